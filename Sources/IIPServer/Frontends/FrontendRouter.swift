import HTTPTypes
public import IIPPipeline
public import IIPProtocol
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
    let pipeline: Pipeline
    let metrics: (@Sendable () -> [UInt8])?
    /// The viewer page's paths; `nil` when VIEWER=0.
    let viewer: ViewerRouter?

    /// Creates a router.
    ///
    /// - Parameter metrics: Renders the Prometheus text for `/metrics`; `nil` sends `/metrics` to the pipeline.
    public init(pipeline: Pipeline, metrics: (@Sendable () -> [UInt8])?) {
        self.pipeline = pipeline
        self.metrics = metrics
        viewer =
            pipeline.configuration.viewer
            ? ViewerRouter(configuration: pipeline.configuration, executor: pipeline.executor) : nil
    }

    /// Answers a request.
    public func respond(to request: ServerRequest) async -> ServerResponse {
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
        case "/metrics" where metrics != nil:
            return ServerResponse(
                status: .ok,
                headerFields: [
                    .contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-cache",
                ],
                body: ByteBuffer(bytes: metrics?() ?? []))
        default:
            if let viewer, let answer = await viewer.respond(to: request) { return answer }
            return await pipeline.respond(to: request)
        }
    }
}
