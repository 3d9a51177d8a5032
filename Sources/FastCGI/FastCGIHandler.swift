/// Answers one FastCGI request by writing a CGI-style response to the writer.
///
/// It runs in its own task, never on an event loop, and is cancelled when the web server aborts the request or the
/// connection goes away. When it throws, the server logs the error and still ends the request (with a minimal
/// `Status: 500` response if nothing had been written yet).
public typealias FastCGIHandler = @Sendable (FastCGIRequest, FastCGIResponseWriter) async throws -> Void
