import Hummingbird
public import IIPPipeline
public import Logging
import NIOCore
public import ServiceLifecycle

/// The whole server: one pipeline, the frontends that feed it, and the services that run them.
public struct ServerApplication: Sendable {
    /// Which frontends to start and where.
    public struct Frontends: Sendable {
        /// The HTTP frontend's address, if any.
        public var http: HTTPListenAddress?
        /// Connection backlog for the listening sockets.
        public var backlog: Int

        /// Creates a frontend selection.
        public init(http: HTTPListenAddress? = nil, backlog: Int = 2048) {
            self.http = http
            self.backlog = backlog
        }
    }

    /// The pipeline every frontend feeds.
    public let pipeline: Pipeline
    let frontends: Frontends
    let logger: Logger
    let metrics: (@Sendable () -> [UInt8])?
    let onHTTPRunning: (@Sendable (Int) -> Void)?

    /// Builds the server.
    ///
    /// - Parameters:
    ///   - metrics: Renders `/metrics`; `nil` disables the endpoint.
    ///   - onHTTPRunning: Called with the bound HTTP port once the HTTP frontend listens.
    public init(
        configuration: ServerConfiguration, frontends: Frontends, logger: Logger,
        metrics: (@Sendable () -> [UInt8])? = nil, onHTTPRunning: (@Sendable (Int) -> Void)? = nil
    ) {
        pipeline = Pipeline(configuration: configuration, logger: logger)
        self.frontends = frontends
        self.logger = logger
        self.metrics = metrics
        self.onHTTPRunning = onHTTPRunning
    }

    /// The services in start order; they stop in reverse, frontends first and the pipeline last.
    public func services() -> [any Service] {
        var services: [any Service] = [
            PipelineService(pipeline: pipeline), CacheResetService(pipeline: pipeline, logger: logger),
        ]
        if let address = frontends.http {
            let responder = HTTPFrontend(pipeline: pipeline, metrics: metrics)
            let onRunning = onHTTPRunning
            let logger = logger
            let idle = TimeAmount.milliseconds(Int64(pipeline.configuration.httpIdleTimeout * 1000))
            let app = Application(
                responder: responder,
                server: .http1(configuration: .init(idleTimeout: idle)),
                configuration: .init(address: .hostname(address.host, port: address.port), backlog: frontends.backlog),
                onServerRunning: { channel in
                    let port = channel.localAddress?.port ?? address.port
                    logger.info("HTTP frontend listening", metadata: ["address": "\(address.host):\(port)"])
                    onRunning?(port)
                },
                logger: logger)
            services.append(app)
        }
        return services
    }

    /// Runs every service until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(services: services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
