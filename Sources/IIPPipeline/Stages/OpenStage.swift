package import IIPProtocol
package import Logging

/// A parsed request with the images it names, opened.
package struct OpenedRequest: Sendable {
    /// The request and its protocol call.
    package var parsed: ParsedRequest
    /// The images, by the path the request names them with, in order (usually one).
    package var images: [(path: String, image: OpenImage)]
    /// The entity tag of the answer, when the request names images.
    package var etag: EntityTag? = nil

    /// The image the request names `path`.
    package func image(_ path: String) -> OpenImage? {
        images.first { $0.path == path }?.image
    }
}

/// Stage 2, Open: opens the images a request names, for every protocol, and turns what stops it into an
/// interruption: a missing or unreadable file (404), a file that is not an image (400), or a client copy that is
/// still current (304 for If-Modified-Since). The one place that opens images.
package final class OpenStage: PipelineStage {
    let registry: ImageRegistry
    let logger: Logger
    let fingerprint: String

    /// Opens images through `registry`.
    ///
    /// - Parameter fingerprint: Identifies the configuration in entity tags, so that answers made under another
    ///   configuration never match.
    package init(registry: ImageRegistry, logger: Logger, fingerprint: String = "") {
        self.registry = registry
        self.logger = logger
        self.fingerprint = fingerprint
    }

    /// Opens the images `parsed` names (as requested, before FILESYSTEM_PREFIX), in order: the first that
    /// cannot be opened, or whose file the client has a current copy of, ends the request, as iipsrv's FIF does.
    package func run(_ parsed: ParsedRequest) async throws(Interruption) -> OpenedRequest {
        var images: [(path: String, image: OpenImage)] = []
        images.reserveCapacity(parsed.imagePaths.count)
        let since = parsed.request.ifModifiedSince.flatMap(HTTPDate.parse)
        for path in parsed.imagePaths {
            let image: OpenImage
            do {
                image = try await registry.image(at: path)
            } catch {
                if case .storeUnavailable(_, let detail) = error {
                    logger.warning("image store unavailable", metadata: ["path": "\(path)", "error": "\(detail)"])
                } else {
                    logger.debug("image unavailable", metadata: ["path": "\(path)", "reason": "\(error)"])
                }
                throw .rejected(ProtocolError(status: error.status, message: error.description))
            }
            images.append((path, image))
        }
        guard !images.isEmpty else { return OpenedRequest(parsed: parsed, images: images) }
        let request = parsed.request
        let etag = EntityTag(
            request: request, images: images.map { ($0.path, $0.image.status) }, fingerprint: fingerprint)
        let lastModified = images[0].image.status.modifiedSeconds
        // If-None-Match decides when sent; If-Modified-Since only without it (RFC 9110 §13.2.2).
        if let ifNoneMatch = request.ifNoneMatch {
            if etag.matches(ifNoneMatch: ifNoneMatch) { throw .notModified(lastModified: lastModified, etag: etag) }
        } else if let since, images.contains(where: { $0.image.status.modifiedSeconds <= since }) {
            throw .notModified(lastModified: lastModified, etag: etag)
        }
        return OpenedRequest(parsed: parsed, images: images, etag: etag)
    }
}
