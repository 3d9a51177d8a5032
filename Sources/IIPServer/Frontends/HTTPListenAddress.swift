/// Where the HTTP frontend listens: `--http 8080` (every interface), `--http 127.0.0.1:8080`, `--http [::1]:8080`.
public struct HTTPListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address to bind.
    public var host: String
    /// TCP port; 0 picks a free one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `PORT`, `HOST:PORT` or `[IPv6]:PORT`; `nil` when the text is none of them.
    public init?(parsing text: String) {
        if let port = Int(text), (0...65535).contains(port) {
            self.init(host: "0.0.0.0", port: port)
            return
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        self.init(host: host, port: port)
    }

    /// `host:port`.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
