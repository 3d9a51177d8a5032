package import IIPImaging
package import IIPProtocol
package import Logging

/// Stage 5, Respond: the only stage that builds HTTP. A product becomes a 200 (or 303) with the headers iipsrv
/// sends; an interruption becomes its answer: the landing page, 204, 304, 405, the protocol's error body, 400 for
/// a refused size or parameter, 404 for an unreadable image, 499 for a client that went away, 503 when busy or when the
/// export queue is full (each logged at most once a second, ``BusyReport``), 500 (logged) for anything else.
package final class RespondStage: PipelineStage {
    let responses: ResponseFactory
    let logger: Logger
    let busy = BusyReport()
    let exportsBusy = BusyReport(
        message: "server busy: exports answered 503 (MAX_EXPORTS_IN_FLIGHT and MAX_EXPORTS_QUEUED are full)")

    /// Creates the stage.
    package init(responses: ResponseFactory, logger: Logger) {
        self.responses = responses
        self.logger = logger
    }

    /// The response for what the chain produced or why it stopped.
    package func run(_ outcome: Result<Product, Interruption>) -> ServerResponse {
        switch outcome {
        case .success(let product): respond(product)
        case .failure(let interruption): respond(interruption)
        }
    }

    private func respond(_ product: Product) -> ServerResponse {
        switch product.content {
        case .redirect(let location):
            return responses.redirect(to: location)
        case .body(let body, let mediaType):
            let delivery = product.delivery
            return responses.content(
                body, mediaType: mediaType, lastModified: product.lastModified,
                disposition: delivery.contentDisposition,
                cacheControl: delivery.privateCache ? "private" : nil, link: delivery.link, etag: product.etag?.value,
                varyAccept: delivery.varyAccept)
        }
    }

    private func respond(_ interruption: Interruption) -> ServerResponse {
        switch interruption {
        case .landingPage: return responses.landingPage()
        case .preflight: return responses.preflight()
        case .methodNotAllowed: return responses.methodNotAllowed()
        case .notModified(let lastModified, let etag):
            return responses.notModified(lastModified: lastModified, etag: etag?.value)
        case .rejected(let error): return responses.error(error)
        case .imaging(let error): return respond(error)
        case .busy:
            busy.refused(logger: logger)
            return responses.unavailable()
        case .exportsBusy:
            exportsBusy.refused(logger: logger)
            return responses.unavailable()
        case .cancelled: return ServerResponse(status: ServerResponse.status(499))
        case .failed(let reason):
            logger.error("request failed", metadata: ["error": "\(reason)"])
            return responses.textError(status: 500, "internal error")
        }
    }

    private func respond(_ error: ImagingError) -> ServerResponse {
        switch error {
        case .tooLarge, .invalidParameter: return responses.textError(status: 400, error.description)
        case .storeUnavailable(let detail):
            // The detail names the store; the answer does not.
            logger.warning("image store unavailable", metadata: ["error": "\(detail)"])
            return responses.textError(status: 502, "image store unavailable")
        case .encodeFailed:
            logger.error("encoding failed", metadata: ["error": "\(error)"])
            return responses.textError(status: 500, error.description)
        default:
            logger.notice("image error", metadata: ["error": "\(error)"])
            return responses.textError(status: 404, error.description)
        }
    }
}
