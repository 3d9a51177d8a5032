public import HTTPTypes
public import NIOCore

/// A response as the pipeline produces it; each frontend writes it in its own wire format.
public struct ServerResponse: Sendable {
    /// The status.
    public var status: HTTPResponse.Status
    /// Header fields in the order they are sent. Content-Length is added by the frontend.
    public var headerFields: HTTPFields
    /// The body.
    public var body: ByteBuffer

    /// Creates a response.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = HTTPFields(), body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// The first value of a header field, by name (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headerFields[$0] }
    }

    /// The reason phrase sent with the status.
    public var reasonPhrase: String { Self.reasonPhrase(status.code) }

    /// The reason phrase of a status code, as this server sends it (499 is nginx's "Client Closed Request").
    public static func reasonPhrase(_ code: Int) -> String {
        switch code {
        case 200: "OK"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 499: "Client Closed Request"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        default: "Status \(code)"
        }
    }

    /// The status for `code` with this server's reason phrase.
    public static func status(_ code: Int) -> HTTPResponse.Status {
        HTTPResponse.Status(code: code, reasonPhrase: reasonPhrase(code))
    }
}
