public import NIOCore

/// Streams the CGI-style response of one request, e.g. `"Status: 200 OK\r\nContent-Type: image/jpeg\r\n\r\n"`
/// followed by the body, as STDOUT records.
///
/// The server holds the parts written until they pass 64 KB, and sends what it holds together with the end of the
/// STDOUT stream and the request once the handler returns: a head and a body written as two parts cost one flush
/// and no copy. Writers are cheap values and may be used from any task.
public struct FastCGIResponseWriter: Sendable {
    private let sink: @Sendable (ByteBuffer) async throws -> Void

    /// Creates a writer that hands every non-empty buffer to `write`.
    ///
    /// The server creates its own writers; use this initialiser to test a ``FastCGIHandler`` without a connection.
    public init(write: @escaping @Sendable (ByteBuffer) async throws -> Void) {
        self.sink = write
    }

    /// Writes part of the response.
    ///
    /// The server splits `buffer` into STDOUT records of at most 65535 bytes. The call suspends while the connection
    /// is not writable (backpressure), and throws when the connection has closed or the request was aborted.
    /// Writing an empty buffer does nothing.
    public func write(_ buffer: ByteBuffer) async throws {
        guard buffer.readableBytes > 0 else {
            return
        }
        try await sink(buffer)
    }
}
