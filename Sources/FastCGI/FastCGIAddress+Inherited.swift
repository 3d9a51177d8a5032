#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension FastCGIAddress {
    /// Returns 0 when standard input (fd 0) is a listening socket, as when spawn-fcgi or mod_fcgid start the
    /// process, else `nil`. Use the result with ``inheritedSocket(fd:)``.
    public static func inheritedListeningSocket() -> Int32? {
        isListeningSocket(0) ? 0 : nil
    }

    /// Whether `fd` is a socket in the listening state (`S_ISSOCK` and `SO_ACCEPTCONN`).
    static func isListeningSocket(_ fd: Int32) -> Bool {
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else {
            return false
        }
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 else {
            return false
        }
        return accepting != 0
    }
}
