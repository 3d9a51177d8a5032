#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether the server should be sent requests (`/ready`), as opposed to whether it is alive (`/health`).
public enum Readiness: Sendable, Hashable {
    /// Serving.
    case ready
    /// A drain has started (SIGTERM): requests already admitted are answered, new ones should go elsewhere.
    case draining
    /// FILESYSTEM_PREFIX cannot be read (a storage mount went away, or a URL this server cannot read from): every
    /// image request would fail.
    case imagesUnreadable

    /// A one-line reason, sent as the body of `/ready`.
    public var reason: String {
        switch self {
        case .ready: "ready"
        case .draining: "draining"
        case .imagesUnreadable: "FILESYSTEM_PREFIX is not readable"
        }
    }
}

extension Pipeline {
    /// Whether the server is ready: not draining, and FILESYSTEM_PREFIX (when set) a folder it can list and enter,
    /// or a remote store it could configure.
    /// The folder check is a blocking call, made on the codec threads.
    public func readiness() async -> Readiness {
        if admission.isDraining { return .draining }
        let prefix = configuration.filesystemPrefix
        guard !prefix.isEmpty else { return .ready }
        // A remote store is ready once configured: its failures answer 502 request by request, and a store that
        // cannot answer a check now may answer the next request.
        if remoteStore != nil { return .ready }
        if prefix.contains("://") { return .imagesUnreadable }
        // A prefix names a folder (".../images/") or a folder and the start of names (".../img_"): check the folder.
        let folder =
            prefix.hasSuffix("/") ? prefix : String(prefix[..<(prefix.lastIndex(of: "/") ?? prefix.startIndex)])
        let path = folder.isEmpty ? "." : folder
        // The codec threads stop only after a drain, so a refusal here means the server is going away.
        guard let readable = try? await executor.run({ access(path, R_OK | X_OK) == 0 }) else { return .draining }
        if admission.isDraining { return .draining }
        return readable ? .ready : .imagesUnreadable
    }
}
