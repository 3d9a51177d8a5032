public import FastCGI
import Hummingbird
public import IIPPipeline
public import Logging
public import NIOCore
public import ServiceLifecycle

/// The whole server: one pipeline, the frontends that feed it, and the services that run them.
public struct ServerApplication: Sendable {
    /// Which frontends to start and where.
    public struct Frontends: Sendable {
        /// The HTTP frontend's address, if any.
        public var http: HTTPListenAddress?
        /// The FastCGI frontend's address (TCP, unix socket or inherited descriptor), if any.
        public var fastCGI: FastCGIAddress?
        /// Connection backlog for the listening sockets (iipsrv's `--backlog`).
        public var backlog: Int
        /// Permissions of a FastCGI unix socket file.
        public var unixSocketMode: UInt16?

        /// Creates a frontend selection.
        public init(
            http: HTTPListenAddress? = nil, fastCGI: FastCGIAddress? = nil, backlog: Int = 2048,
            unixSocketMode: UInt16? = 0o660
        ) {
            self.http = http
            self.fastCGI = fastCGI
            self.backlog = backlog
            self.unixSocketMode = unixSocketMode
        }
    }

    /// Called when a frontend listens: the HTTP port, or the FastCGI address.
    public struct Listeners: Sendable {
        /// The bound HTTP port.
        public var http: (@Sendable (Int) -> Void)?
        /// The bound FastCGI address (`nil` for an inherited socket NIO cannot describe).
        public var fastCGI: (@Sendable (SocketAddress?) -> Void)?

        /// Creates listeners.
        public init(http: (@Sendable (Int) -> Void)? = nil, fastCGI: (@Sendable (SocketAddress?) -> Void)? = nil) {
            self.http = http
            self.fastCGI = fastCGI
        }
    }

    /// The pipeline every frontend feeds.
    public let pipeline: Pipeline
    let frontends: Frontends
    let logger: Logger
    let router: FrontendRouter
    let listeners: Listeners

    /// Builds the server.
    ///
    /// - Parameters:
    ///   - metrics: Renders `/metrics`; `nil` disables the endpoint.
    ///   - listeners: Called once each frontend listens.
    public init(
        configuration: ServerConfiguration, frontends: Frontends, logger: Logger,
        metrics: (@Sendable () -> [UInt8])? = nil, listeners: Listeners = Listeners()
    ) {
        pipeline = Pipeline(configuration: configuration, logger: logger)
        self.frontends = frontends
        self.logger = logger
        self.listeners = listeners
        router = FrontendRouter(pipeline: pipeline, metrics: metrics)
    }

    /// The services in start order; they stop in reverse: the drain is announced (`/ready` turns 503), the
    /// frontends stop, and the pipeline stops last.
    public func services() -> [any Service] {
        var services: [any Service] = [
            PipelineService(pipeline: pipeline), CacheResetService(pipeline: pipeline, logger: logger),
        ]
        if let address = frontends.http { services.append(httpService(address)) }
        if let address = frontends.fastCGI { services.append(fastCGIService(address)) }
        services.append(DrainAnnouncementService(pipeline: pipeline))
        return services
    }

    private func httpService(_ address: HTTPListenAddress) -> any Service {
        let idle = TimeAmount.milliseconds(Int64(pipeline.configuration.httpIdleTimeout * 1000))
        let onRunning = listeners.http
        let logger = logger
        return Application(
            responder: HTTPFrontend(router: router),
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(address: .hostname(address.host, port: address.port), backlog: frontends.backlog),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info("HTTP frontend listening", metadata: ["address": "\(address.host):\(port)"])
                onRunning?(port)
            },
            logger: logger)
    }

    private func fastCGIService(_ address: FastCGIAddress) -> any Service {
        let frontend = FastCGIFrontend(router: router)
        let configuration = FastCGIServerConfiguration(
            address: address, backlog: frontends.backlog, unixSocketMode: frontends.unixSocketMode,
            maxParamsBytes: max(64 * 1024, pipeline.configuration.maxQueryLength * 4))
        return FastCGIServer(
            configuration: configuration, logger: logger, onServerRunning: listeners.fastCGI
        ) { request, writer in
            try await frontend.handle(request, writer: writer)
        }
    }

    /// Runs every service until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(services: services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
