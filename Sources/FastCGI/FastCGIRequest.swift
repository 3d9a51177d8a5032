public import NIOCore

/// A complete FastCGI RESPONDER request: both the PARAMS and the STDIN stream have ended.
public struct FastCGIRequest: Sendable {
    /// The FastCGI request id (unique among the requests in flight on its connection).
    public var requestID: UInt16
    /// Whether the web server asked to keep the connection open after this request (`FCGI_KEEP_CONN`).
    public var keepConnection: Bool
    /// The CGI variables, e.g. `QUERY_STRING`, `REQUEST_URI`, `REQUEST_METHOD`, `HTTP_HOST`, `HTTPS`, `HTTP_*`.
    /// When a name occurs more than once, the last value wins.
    public var params: [String: String]
    /// The request body (the STDIN stream).
    public var body: ByteBuffer

    /// Creates a request, e.g. to test a ``FastCGIHandler`` without a connection.
    public init(
        requestID: UInt16 = 1,
        keepConnection: Bool = false,
        params: [String: String] = [:],
        body: ByteBuffer = ByteBuffer()
    ) {
        self.requestID = requestID
        self.keepConnection = keepConnection
        self.params = params
        self.body = body
    }
}
