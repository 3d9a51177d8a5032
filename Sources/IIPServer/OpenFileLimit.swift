public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit on open file descriptors (RLIMIT_NOFILE), which bounds the connections it can hold.
///
/// Many systems start services with a soft limit of 1,024 and a much higher hard limit. A server behind nginx holds
/// one FastCGI connection per request in flight, so a thousand viewers need more than 1,024 descriptors; the soft
/// limit is raised to the hard one at start-up, as nginx's `worker_rlimit_nofile` and Go's runtime do.
public enum OpenFileLimit {
    /// The soft and hard limits now.
    public static var current: (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, 0) }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit, and logs a warning when the result is below `needed` descriptors.
    ///
    /// - Returns: The soft limit afterwards.
    @discardableResult
    public static func raise(needed: Int, logger: Logger) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            let previous = limit.rlim_cur
            limit.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 {
                limit.rlim_cur = previous
            }
        }
        let soft = UInt64(limit.rlim_cur)
        if soft < UInt64(max(needed, 0)) {
            logger.warning(
                "The open-file limit is lower than the connections allowed; raise it (ulimit -n, LimitNOFILE=)",
                metadata: ["limit": "\(soft)", "needed": "\(needed)"])
        }
        return soft
    }
}
