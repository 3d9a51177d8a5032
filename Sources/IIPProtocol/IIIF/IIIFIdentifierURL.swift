/// Builds the `id` of info.json and the Location of the base-URI redirect from plain request values
/// (iipsrv-reference §4.2-§4.3).
///
/// In order: an `X-IIIF-ID` header replaces the id entirely; else `BASE_URL` + the identifier as given in the
/// request (still percent-encoded); else scheme `://` host + the request URI. The scheme is the first value of
/// `X-Forwarded-Proto`, else `https` when the CGI `HTTPS` variable is set and not `off`, else `http`; the host is
/// the first value of `X-Forwarded-Host`, else `Host`. A trailing `/info.json` and a trailing `/` are removed.
///
/// Differences from iipsrv, on purpose: the id is not URL-decoded (it must stay a URI, and the validator compares
/// it with the request URL); `%` is not doubled; a `/` is added after BASE_URL when it has none; the redirect uses
/// the same absolute URL as the id instead of a protocol-relative one.
public struct IIIFIdentifierURL: Sendable, Hashable {
    /// BASE_URL, or `nil`.
    public var baseURL: String?
    /// The raw request URI (path and any query), or `nil`.
    public var requestURI: String?
    /// The `Host` header.
    public var host: String?
    /// The `X-Forwarded-Host` header.
    public var forwardedHost: String?
    /// The CGI `HTTPS` variable (`on` behind TLS).
    public var https: String?
    /// The `X-Forwarded-Proto` header.
    public var forwardedProto: String?
    /// The `X-IIIF-ID` header.
    public var iiifID: String?

    /// Creates the inputs of an id.
    public init(
        baseURL: String? = nil, requestURI: String? = nil, host: String? = nil, forwardedHost: String? = nil,
        https: String? = nil, forwardedProto: String? = nil, iiifID: String? = nil
    ) {
        self.baseURL = baseURL
        self.requestURI = requestURI
        self.host = host
        self.forwardedHost = forwardedHost
        self.https = https
        self.forwardedProto = forwardedProto
        self.iiifID = iiifID
    }

    /// The id for a request whose raw IIIF argument (the path after the prefix) is `argument`, or `nil` when
    /// there is nothing to build it from (iipsrv answers 400 then).
    public func id(argument: String) -> String? {
        if let iiifID = Self.nonEmpty(iiifID) { return Self.trimmed(iiifID) }
        if let baseURL = Self.nonEmpty(baseURL) {
            let identifier = Self.trimmed(argument)
            return baseURL + (baseURL.hasSuffix("/") || identifier.hasPrefix("/") ? "" : "/") + identifier
        }
        guard let requestURI = Self.nonEmpty(requestURI),
            let host = Self.firstValue(forwardedHost) ?? Self.firstValue(host)
        else { return nil }
        return "\(scheme)://\(host)\(Self.trimmed(requestURI))"
    }

    /// The Location of the 303 redirect from the base URI: the id followed by `/info.json`.
    public func infoLocation(argument: String) -> String? {
        id(argument: argument).map { $0 + "/info.json" }
    }

    /// `https` or `http`.
    public var scheme: String {
        if let proto = Self.firstValue(forwardedProto) { return proto.lowercased() }
        if let https = Self.nonEmpty(https), https.lowercased() != "off" { return "https" }
        return "http"
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// The first of a comma-separated header's values, without spaces.
    private static func firstValue(_ value: String?) -> String? {
        guard let value else { return nil }
        // Bytes, not Characters: the separators are ASCII, and this runs for every info.json.
        let bytes = value.utf8
        var start = bytes.startIndex
        let end = bytes.firstIndex(of: UInt8(ascii: ",")) ?? bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start = bytes.index(after: start)
        }
        var last = end
        while last > start {
            let before = bytes.index(before: last)
            guard bytes[before] == UInt8(ascii: " ") || bytes[before] == UInt8(ascii: "\t") else { break }
            last = before
        }
        guard start < last else { return nil }
        if start == bytes.startIndex, last == bytes.endIndex { return value }
        return String(Substring(value.utf8[start..<last]))
    }

    private static func trimmed(_ value: String) -> String {
        var result = Substring(value)
        if result.hasSuffix("/info.json") { result = result.dropLast("/info.json".count) }
        while result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }
}
