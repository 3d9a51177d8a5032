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
        /// The bound port of ADMIN_ADDRESS.
        public var admin: (@Sendable (Int) -> Void)?

        /// Creates listeners.
        public init(
            http: (@Sendable (Int) -> Void)? = nil, fastCGI: (@Sendable (SocketAddress?) -> Void)? = nil,
            admin: (@Sendable (Int) -> Void)? = nil
        ) {
            self.http = http
            self.fastCGI = fastCGI
            self.admin = admin
        }
    }

    /// The pipeline every frontend feeds.
    public let pipeline: Pipeline
    let frontends: Frontends
    let logger: Logger
    let router: FrontendRouter
    /// The router of ADMIN_ADDRESS, when it is set.
    let adminRouter: FrontendRouter?
    let listeners: Listeners
    let observability: [any Service]

    /// Builds the server.
    ///
    /// - Parameters:
    ///   - metrics: Renders `/metrics`; `nil` disables the endpoint.
    ///   - listeners: Called once each frontend listens.
    ///   - observability: Services that export what is observed (the OTLP trace exporter); they start first and
    ///     stop last, so the last requests' spans are sent.
    public init(
        configuration: ServerConfiguration, frontends: Frontends, logger: Logger,
        metrics: (@Sendable () -> [UInt8])? = nil, listeners: Listeners = Listeners(),
        observability: [any Service] = []
    ) {
        pipeline = Pipeline(
            configuration: configuration, logger: logger,
            remoteStore: RemoteStoreSetup.remoteStore(configuration, logger: logger))
        self.frontends = frontends
        self.logger = logger
        self.listeners = listeners
        self.observability = observability
        let admin = !configuration.adminAddress.isEmpty
        router = FrontendRouter(pipeline: pipeline, metrics: admin ? nil : metrics, logger: logger)
        adminRouter = admin ? FrontendRouter(pipeline: pipeline, metrics: metrics, role: .admin) : nil
    }

    /// The services in start order; they stop in reverse: the drain is announced (`/ready` turns 503), the
    /// frontends stop, and the pipeline stops last.
    public func services() throws -> [any Service] {
        var services: [any Service] = observability
        services += [PipelineService(pipeline: pipeline), CacheResetService(pipeline: pipeline, logger: logger)]
        if let adminRouter {
            let text = pipeline.configuration.adminAddress
            guard let address = HTTPListenAddress(parsing: text) else {
                throw ServerApplicationError.invalidAdminAddress(text)
            }
            services.append(
                httpService(address, router: adminRouter, name: "admin", onRunning: listeners.admin))
        }
        if let address = frontends.http {
            services.append(httpService(address, router: router, name: "HTTP frontend", onRunning: listeners.http))
        }
        if let address = frontends.fastCGI { services.append(fastCGIService(address)) }
        services.append(DrainAnnouncementService(pipeline: pipeline))
        return services
    }

    private func httpService(
        _ address: HTTPListenAddress, router: FrontendRouter, name: String, onRunning: (@Sendable (Int) -> Void)?
    ) -> any Service {
        let configuration = pipeline.configuration
        let idle = TimeAmount.milliseconds(Int64(configuration.httpIdleTimeout * 1000))
        let reading = TimeAmount.milliseconds(Int64(configuration.requestReadTimeout * 1000))
        let writing = TimeAmount.milliseconds(Int64(configuration.writeTimeout * 1000))
        let logger = logger
        return Application(
            responder: HTTPFrontend(router: router),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        HTTPRequestReadDeadline(timeout: reading, logger: logger),
                        HTTPClientDisconnect(),
                        WriteStallTimeoutHandler(timeout: writing, logger: logger),
                    ], idleTimeout: idle)),
            configuration: .init(address: .hostname(address.host, port: address.port), backlog: frontends.backlog),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                logger.info("\(name) listening", metadata: ["address": "\(address.host):\(port)"])
                onRunning?(port)
            },
            logger: logger)
    }

    private func fastCGIService(_ address: FastCGIAddress) -> any Service {
        let frontend = FastCGIFrontend(router: router)
        let configuration = FastCGIServerConfiguration(
            address: address, backlog: frontends.backlog, unixSocketMode: frontends.unixSocketMode,
            maxParamsBytes: max(64 * 1024, pipeline.configuration.maxQueryLength * 4),
            maxConnections: pipeline.configuration.maxFastCGIConnections,
            requestReadTimeout: .milliseconds(Int64(pipeline.configuration.requestReadTimeout * 1000)),
            writeTimeout: .milliseconds(Int64(pipeline.configuration.writeTimeout * 1000)),
            maxRequestsInFlight: pipeline.configuration.fastCGIRequestBound,
            maxRequestsWaiting: pipeline.configuration.maxRequestsQueued)
        return FastCGIServer(
            configuration: configuration, logger: logger, onServerRunning: listeners.fastCGI
        ) { request, writer in
            try await frontend.handle(request, writer: writer)
        }
    }

    /// Runs every service until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: try services(), gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
