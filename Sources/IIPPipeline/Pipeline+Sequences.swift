public import IIPProtocol

extension AsyncSequence where Element == ServerRequest, Self: Sendable {
    /// The responses to these requests, each answered by `pipeline` in turn on the task that iterates: the
    /// pipeline as an operator on a request stream, with no task or queue in between.
    ///
    /// A frontend whose connection reads one request at a time (an HTTP/1.1 connection, a FastCGI connection that
    /// does not multiplex) can consume its inbound stream this way; a multiplexing frontend calls
    /// ``Pipeline/respond(to:)`` from one child task per request instead, so requests run concurrently.
    public func responses(from pipeline: Pipeline) -> AsyncMapSequence<Self, ServerResponse> {
        map { request in await pipeline.respond(to: request) }
    }
}
