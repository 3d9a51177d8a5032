package import IIPImaging
package import IIPProtocol

/// Why a request left the stage chain before its last stage: an answer that needs no image work, or a typed
/// error. Only ``RespondStage`` turns it into HTTP.
package enum Interruption: Error, Sendable {
    /// No request string: the landing page.
    case landingPage
    /// A CORS pre-flight (OPTIONS).
    case preflight
    /// A method other than GET, HEAD, POST and OPTIONS.
    case methodNotAllowed
    /// The client's copy is current (If-None-Match or If-Modified-Since): 304 with the image's modification time
    /// and the answer's entity tag.
    case notModified(lastModified: Int64, etag: EntityTag?)
    /// A request its protocol cannot answer, or an image that cannot be opened.
    case rejected(ProtocolError)
    /// Decoding, transforming or encoding refused or failed.
    case imaging(ImagingError)
    /// Admission is full or shutting down: 503 at once.
    case busy
    /// The region export queue is full (MAX_EXPORTS_IN_FLIGHT running, MAX_EXPORTS_QUEUED waiting): 503 at once,
    /// so that exports never hold more admission slots than those and tiles keep the rest.
    case exportsBusy
    /// The client went away (FastCGI abort, closed connection) while the request waited or ran.
    case cancelled
    /// Anything else: 500, logged.
    case failed(String)

    /// The interruption for an error thrown by a codec job, the caches or a task group.
    static func from(_ error: any Error) -> Interruption {
        switch error {
        case let error as Interruption: error
        case let error as ImagingError: .imaging(error)
        case is CancellationError: .cancelled
        default: .failed("\(error)")
        }
    }
}
