import HTTPTypes
public import IIPPipeline
public import IIPProtocol
import NIOCore

/// What both frontends do with a request: `/health` and `/metrics` here, everything else through the pipeline.
///
/// Keeping this in one place is what makes the HTTP and FastCGI frontends answer the same request with the same
/// status, headers and bytes.
public struct FrontendRouter: Sendable {
    let pipeline: Pipeline
    let metrics: (@Sendable () -> [UInt8])?

    /// Creates a router.
    ///
    /// - Parameter metrics: Renders the Prometheus text for `/metrics`; `nil` sends `/metrics` to the pipeline.
    public init(pipeline: Pipeline, metrics: (@Sendable () -> [UInt8])?) {
        self.pipeline = pipeline
        self.metrics = metrics
    }

    /// Answers a request.
    public func respond(to request: ServerRequest) async -> ServerResponse {
        switch request.path {
        case "/health":
            return ServerResponse(
                status: .ok, headerFields: [.contentType: "text/plain", .cacheControl: "no-cache"],
                body: ByteBuffer(string: "OK\n"))
        case "/metrics" where metrics != nil:
            return ServerResponse(
                status: .ok,
                headerFields: [
                    .contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-cache",
                ],
                body: ByteBuffer(bytes: metrics?() ?? []))
        default:
            return await pipeline.respond(to: request)
        }
    }
}
