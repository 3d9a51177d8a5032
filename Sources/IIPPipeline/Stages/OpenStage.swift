import IIPImaging
import Logging

/// Opens the image a request names, for every protocol, and turns what stops it into its answer: a missing or
/// unreadable file (404), a file that is not an image (400), or a client copy that is still current (304 for
/// If-Modified-Since). The one place that opens images; the protocol planners call it.
struct OpenStage: Sendable {
    let registry: ImageRegistry
    let responses: ResponseFactory
    let logger: Logger

    /// An open image, or the answer that ends the request.
    enum Outcome: Sendable {
        /// The image, ready for planning.
        case image(OpenImage)
        /// The request is answered without it.
        case answer(ServerResponse)
    }

    /// Opens the image at `path` (as requested, before FILESYSTEM_PREFIX) for `request`.
    func run(path: String, request: ServerRequest) async -> Outcome {
        let image: OpenImage
        do {
            image = try await registry.image(at: path)
        } catch {
            logger.debug("image unavailable", metadata: ["path": "\(path)", "reason": "\(error)"])
            return .answer(responses.textError(status: error.status, error.description))
        }
        if let since = request.ifModifiedSince.flatMap(HTTPDate.parse), image.status.modifiedSeconds <= since {
            return .answer(responses.notModified(lastModified: image.status.modifiedSeconds))
        }
        return .image(image)
    }
}
