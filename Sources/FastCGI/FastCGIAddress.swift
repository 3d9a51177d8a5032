/// Where a ``FastCGIServer`` listens.
public enum FastCGIAddress: Sendable, Hashable, CustomStringConvertible {
    /// A TCP address; `host` may be a name, an IPv4 or an IPv6 address (without brackets). Port 0 picks a free port.
    case tcp(host: String, port: Int)
    /// A unix domain socket file.
    case unixSocket(path: String)
    /// A listening socket inherited from the parent process (spawn-fcgi and mod_fcgid pass it as fd 0).
    /// See ``inheritedListeningSocket()``.
    case inheritedSocket(fd: Int32)

    /// The address for logs: `host:port`, `[ipv6]:port`, the socket path, or `fd:N` for an inherited socket.
    /// All but the last are accepted by ``init(parsing:)``.
    public var description: String {
        switch self {
        case .tcp(let host, let port):
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path):
            path
        case .inheritedSocket(let fd):
            "fd:\(fd)"
        }
    }
}
