package import IIPProtocol
package import Logging

/// A parsed request with the image it names, opened.
package struct OpenedRequest: Sendable {
    /// The request and its protocol call.
    package var parsed: ParsedRequest
    /// The image, or `nil` when the request names none.
    package var image: OpenImage?
}

/// Stage 2, Open: opens the image a request names, for every protocol, and turns what stops it into an
/// interruption: a missing or unreadable file (404), a file that is not an image (400), or a client copy that is
/// still current (304 for If-Modified-Since). The one place that opens images.
package struct OpenStage: PipelineStage {
    let registry: ImageRegistry
    let logger: Logger

    /// Opens images through `registry`.
    package init(registry: ImageRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    /// Opens the image `parsed` names (as requested, before FILESYSTEM_PREFIX).
    package func run(_ parsed: ParsedRequest) async throws(Interruption) -> OpenedRequest {
        guard let path = parsed.imagePath else {
            return OpenedRequest(parsed: parsed, image: nil)
        }
        let image: OpenImage
        do {
            image = try await registry.image(at: path)
        } catch {
            logger.debug("image unavailable", metadata: ["path": "\(path)", "reason": "\(error)"])
            throw .rejected(ProtocolError(status: error.status, message: error.description))
        }
        if let since = parsed.request.ifModifiedSince.flatMap(HTTPDate.parse), image.status.modifiedSeconds <= since {
            throw .notModified(lastModified: image.status.modifiedSeconds)
        }
        return OpenedRequest(parsed: parsed, image: image)
    }
}
