import NIOCore

/// Identifies one dispatched request on a connection, even after the web server reuses its request id.
struct FastCGIRequestToken: Hashable, Sendable {
    var value: UInt64
}

/// What the protocol handler passes up to the task that runs a connection's handlers.
enum FastCGIConnectionEvent: Sendable {
    /// A complete request to answer.
    case request(FastCGIRequest, FastCGIRequestToken)
    /// The web server aborted the running request with this id: cancel its handler.
    case abort(requestID: UInt16)
}

/// What a request's task sends down to the protocol handler.
enum FastCGIResponsePart: Sendable {
    /// Response bytes, to be split into STDOUT records.
    case stdout(FastCGIRequestToken, ByteBuffer)
    /// The handler has finished (`failed` if it threw): end the STDOUT stream and send END_REQUEST.
    case end(FastCGIRequestToken, failed: Bool)
}
