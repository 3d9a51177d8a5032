/// One `name=value` pair of an IIP request string.
public struct IIPQueryToken: Sendable, Hashable {
    /// The command name, lower-cased (command names are case-insensitive).
    public var name: String
    /// The argument exactly as it appeared in the request (not URL-decoded).
    public var rawValue: String

    /// Creates a token.
    public init(name: String, rawValue: String) {
        self.name = name
        self.rawValue = rawValue
    }

    /// Splits a request string the way iipsrv does (iipsrv-reference §1.3).
    ///
    /// The string is split on `&`; empty tokens are skipped; each token is split at its first `=`, and a
    /// token whose name or value is empty is dropped, except a bare `INV`, which takes no argument. No URL decoding
    /// happens here: each command decides.
    public static func tokenize(_ query: String) -> [IIPQueryToken] {
        // Split as bytes, as iipsrv does: `&` and `=` are ASCII, so every cut falls on a scalar boundary (splitting
        // on `Character`s cost grapheme breaking on every request).
        var tokens: [IIPQueryToken] = []
        let bytes = query.utf8
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.endIndex
            defer { start = end < bytes.endIndex ? bytes.index(after: end) : end }
            guard start < end else { continue }
            let part = query[start..<end]
            guard let equals = part.utf8.firstIndex(of: UInt8(ascii: "=")) else {
                // A bare INV (no `=`), as OpenSeadragon's IIP tile source sends it, inverts, as in iipsrv 1.1.
                if part.lowercased() == "inv" { tokens.append(IIPQueryToken(name: "inv", rawValue: "")) }
                continue
            }
            let name = part[..<equals]
            let value = part[part.utf8.index(after: equals)...]
            guard !name.isEmpty, !value.isEmpty else { continue }
            tokens.append(IIPQueryToken(name: name.lowercased(), rawValue: String(value)))
        }
        return tokens
    }
}
