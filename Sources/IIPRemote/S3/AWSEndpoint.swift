/// A custom S3-compatible endpoint, such as `http://127.0.0.1:9000`: a scheme, a host and an optional port.
package struct AWSEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    package let scheme: String
    /// The host name or IP address, IPv6 without brackets.
    package let host: String
    /// The port given in the URL, if any.
    package let port: Int?

    /// Whether the endpoint uses TLS (`https`).
    package var usesTLS: Bool { scheme == "https" }

    /// The port to connect to: the one given, else 443 for `https` and 80 for `http`.
    package var effectivePort: Int { port ?? (usesTLS ? 443 : 80) }

    /// The `Host` header to send and sign: the host (IPv6 in brackets), with `:port` unless it is the scheme's
    /// default.
    package var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        guard let port, port != (usesTLS ? 443 : 80) else { return name }
        return "\(name):\(port)"
    }

    /// The endpoint as a URL, such as `http://127.0.0.1:9000`.
    package var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(name)" + (port.map { ":\($0)" } ?? "")
    }

    /// An endpoint from its parts.
    package init(scheme: String, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `http[s]://host[:port][/]`; a path, query, fragment or user info is refused.
    /// - Parameter url: the URL, such as the value of `AWS_ENDPOINT_URL`.
    /// - Throws: ``AWSConfigurationError/invalidEndpoint(_:reason:)`` naming `source`, without echoing the URL.
    package init(parsing url: String, source: String) throws(AWSConfigurationError) {
        let lowered = url.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") {
            scheme = "https"
        } else if lowered.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw .invalidEndpoint(source, reason: "the URL must start with http:// or https://")
        }
        var authority = Substring(url.dropFirst(scheme.count + 3))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        if authority.contains(where: { "/?#".contains($0) }) {
            throw .invalidEndpoint(source, reason: "the URL must have no path, query or fragment")
        }
        if authority.contains("@") {
            throw .invalidEndpoint(source, reason: "the URL must not hold user info; use the AWS credential settings")
        }

        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidEndpoint(source, reason: "an IPv6 address must end with ]")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw .invalidEndpoint(source, reason: "unexpected text after ]") }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        if host.isEmpty || host.contains(where: { $0 == " " || $0 == "\t" }) {
            throw .invalidEndpoint(source, reason: "the URL must name a host")
        }
        var port: Int?
        if let portText {
            guard portText.count <= 5, portText.allSatisfy(\.isASCIIDigit), let value = Int(portText),
                (1...65_535).contains(value)
            else { throw .invalidEndpoint(source, reason: "the port must be a number from 1 to 65535") }
            port = value
        }
        self.init(scheme: scheme, host: String(host), port: port)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
