import HTTPTypes
public import IIPPipeline
public import IIPProtocol
public import Logging
import NIOCore

/// What both frontends do with a request: `/health`, `/ready` and `/metrics` here, the viewer's paths through the
/// ``ViewerRouter`` (unless VIEWER=0), everything else through the pipeline.
///
/// `/health` is liveness: 200 whenever the process answers. `/ready` is readiness: 200 while serving, 503 from the
/// moment a drain starts (SIGTERM) or while FILESYSTEM_PREFIX cannot be read, with the reason as the body.
///
/// Keeping this in one place is what makes the HTTP and FastCGI frontends answer the same request with the same
/// status, headers and bytes.
public struct FrontendRouter: Sendable {
    /// What a router answers.
    public enum Role: Sendable {
        /// Images, the viewer, and the health, readiness and metrics paths.
        case images
        /// ADMIN_ADDRESS: the health, readiness and metrics paths only; anything else is 404.
        case admin
    }

    let pipeline: Pipeline
    let role: Role
    let metrics: (@Sendable () -> [UInt8])?
    /// The viewer page's paths; `nil` when VIEWER=0.
    let viewer: ViewerRouter?
    /// Metrics, Server-Timing, access log and traces; `nil` when all are off.
    let observer: RequestObserver?

    /// Creates a router.
    ///
    /// - Parameters:
    ///   - metrics: Renders the Prometheus text for `/metrics`; `nil` answers `/metrics` with 404 (METRICS=0, or
    ///     metrics served on ADMIN_ADDRESS).
    ///   - logger: Where access log lines go (VERBOSITY 2 and above); `nil` observes nothing (the admin router).
    ///   - role: What the router answers.
    public init(
        pipeline: Pipeline, metrics: (@Sendable () -> [UInt8])?, logger: Logger? = nil, role: Role = .images
    ) {
        self.pipeline = pipeline
        self.metrics = metrics
        self.role = role
        viewer =
            pipeline.configuration.viewer && role == .images
            ? ViewerRouter(configuration: pipeline.configuration, executor: pipeline.executor) : nil
        observer = logger.flatMap { RequestObserver(configuration: pipeline.configuration, logger: $0) }
    }

    /// Answers a request that arrived on `frontend`.
    public func respond(to request: ServerRequest, from frontend: RequestFrontend = .http) async -> ServerResponse {
        guard let observer else { return await route(request) }
        return await observer.observe(request, from: frontend) { await route(request) }
    }

    private func route(_ request: ServerRequest) async -> ServerResponse {
        switch request.path {
        case "/health", "/ready", "/metrics": RequestTimeline.current?.setProtocol(.admin)
        default: break
        }
        switch request.path {
        case "/health":
            return ServerResponse(
                status: .ok, headerFields: [.contentType: "text/plain", .cacheControl: "no-cache"],
                body: ByteBuffer(string: "OK\n"))
        case "/ready":
            let readiness = await pipeline.readiness()
            return ServerResponse(
                status: readiness == .ready ? .ok : .serviceUnavailable,
                headerFields: [.contentType: "text/plain", .cacheControl: "no-cache"],
                body: ByteBuffer(string: readiness.reason + "\n"))
        case "/metrics":
            guard let metrics else { return Self.notFound }
            return ServerResponse(
                status: .ok,
                headerFields: [
                    .contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-cache",
                ],
                body: ByteBuffer(bytes: metrics()))
        default:
            guard role == .images else { return Self.notFound }
            if let viewer, let answer = await viewer.respond(to: request) {
                RequestTimeline.current?.setProtocol(.viewer)
                return answer
            }
            return await pipeline.respond(to: request)
        }
    }

    private static let notFound = ServerResponse(
        status: .notFound, headerFields: [.contentType: "text/plain", .cacheControl: "no-cache"],
        body: ByteBuffer(string: "not found\n"))
}
