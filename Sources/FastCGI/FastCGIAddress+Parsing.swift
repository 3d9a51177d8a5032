extension FastCGIAddress {
    /// Parses an address as iipsrv and spawn-fcgi users write it.
    ///
    /// - `"127.0.0.1:9000"`, `"localhost:9000"`: TCP on that host.
    /// - `":9000"`: TCP on all IPv4 interfaces (`0.0.0.0`).
    /// - `"[::1]:9000"`: TCP on an IPv6 address.
    /// - A string containing `/`, starting with `.` or ending with `.sock`: a unix socket path.
    ///
    /// - Throws: ``FastCGIAddressParsingError`` for anything else.
    public init(parsing string: String) throws {
        let input = string.trimmingWhitespace()
        guard !input.isEmpty else {
            throw FastCGIAddressParsingError.empty
        }
        if input.contains("/") || input.hasPrefix(".") || input.hasSuffix(".sock") {
            self = .unixSocket(path: input)
            return
        }
        guard let colon = input.lastIndex(of: ":") else {
            throw FastCGIAddressParsingError.missingPort(input)
        }
        let portText = input[input.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), port <= 65535 else {
            throw FastCGIAddressParsingError.invalidPort(input)
        }
        var host = input[..<colon]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else {
                throw FastCGIAddressParsingError.invalidHost(input)
            }
            host = host.dropFirst().dropLast()
        } else if host.isEmpty {
            host = "0.0.0.0"
        } else if host.contains(":") || host.contains("]") {
            throw FastCGIAddressParsingError.invalidHost(input)
        }
        guard !host.contains(where: { $0.isWhitespace || $0 == "[" || $0 == "]" }) else {
            throw FastCGIAddressParsingError.invalidHost(input)
        }
        self = .tcp(host: String(host), port: port)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        isASCII && isNumber
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return String(self[start..<end])
    }
}
