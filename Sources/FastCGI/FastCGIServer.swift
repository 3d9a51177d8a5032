public import Logging
public import NIOCore
import NIOExtras
public import NIOPosix
public import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A FastCGI 1.0 responder server on SwiftNIO, run as a swift-service-lifecycle `Service`.
///
/// Every complete request is passed to the handler in its own task; requests multiplexed on one connection run
/// concurrently. On graceful shutdown the server stops accepting, closes idle keep-alive connections at once, lets
/// requests in flight finish and closes their connections after the last response. Cancelling ``run()`` stops
/// everything at once, cancelling running handlers.
public final class FastCGIServer: Service {
    private let configuration: FastCGIServerConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let onServerRunning: (@Sendable (SocketAddress?) -> Void)?
    private let handler: FastCGIHandler
    /// The bound on requests worked on at once, shared by every connection.
    private let gate: FastCGIRequestGate?

    /// Creates a server; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: the address and limits.
    ///   - eventLoopGroup: the event loops for the sockets.
    ///   - logger: receives one line per start, stop, protocol error or failed handler.
    ///   - onServerRunning: called once listening, with the bound address (useful with port 0).
    ///   - handler: answers each request.
    public init(
        configuration: FastCGIServerConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger,
        onServerRunning: (@Sendable (SocketAddress?) -> Void)? = nil,
        handler: @escaping FastCGIHandler
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.onServerRunning = onServerRunning
        self.handler = handler
        self.gate = configuration.maxRequestsInFlight.flatMap { limit in
            limit > 0 ? FastCGIRequestGate(limit: limit, maxWaiting: configuration.maxRequestsWaiting) : nil
        }
    }

    /// Binds, then serves until graceful shutdown or cancellation.
    ///
    /// A stale unix socket file is replaced before binding, and the socket file is removed before this returns.
    ///
    /// Accepted connections are set up on their event loop and never pass through a task: with hundreds of
    /// upstream connections, an accept queued behind the requests on Swift's cooperative pool kept nginx waiting
    /// for seconds (connections handed over as an async sequence, one task each, measured a p99 of 0.7-2 s at 1,000
    /// connections with a tenth of the requests opening one).
    public func run() async throws {
        let quiescingHelper = ServerQuiescingHelper(group: eventLoopGroup)
        let connections = FastCGIConnectionRegistry(limit: configuration.maxConnections)
        // NIO removes a unix socket file it created when the listener closes, before its close future completes.
        let serverChannel = try await bind(quiescingHelper: quiescingHelper, connections: connections)
        logger.info(
            "FastCGI server listening",
            metadata: ["address": "\(serverChannel.localAddress.map { "\($0)" } ?? "\(configuration.address)")"]
        )
        onServerRunning?(serverChannel.localAddress)
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                // Graceful shutdown closes the listener, then each connection once its requests are answered.
                try? await serverChannel.closeFuture.get()
                await connections.waitUntilEmpty()
            } onGracefulShutdown: { [logger] in
                logger.info("FastCGI server shutting down gracefully")
                quiescingHelper.initiateShutdown(promise: nil)
            }
        } onCancel: {
            serverChannel.close(promise: nil)
            connections.closeAll()
        }
        logger.info("FastCGI server stopped")
    }

    private func bind(
        quiescingHelper: ServerQuiescingHelper,
        connections: FastCGIConnectionRegistry
    ) async throws -> any Channel {
        let configuration = self.configuration
        let logger = self.logger
        let handler = self.handler
        let gate = self.gate
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let collector = quiescingHelper.makeServerChannelHandler(channel: channel)
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Counted before any handler is added: a connection past the limit never reaches one.
                    guard connections.admit(channel) else {
                        logger.warning("FastCGI connection limit reached, closing a new connection")
                        throw FastCGIConnectionLimitReached()
                    }
                    do {
                        let connection = try FastCGIChannelInitializer.configure(
                            channel,
                            configuration: configuration,
                            logger: logger,
                            gate: gate,
                            handler: handler
                        )
                        connection.finished.whenComplete { _ in connections.remove(channel) }
                    } catch {
                        connections.remove(channel)
                        throw error
                    }
                }
            }
        switch configuration.address {
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port).get()
        case .unixSocket(let path):
            let listener = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            if let mode = configuration.unixSocketMode, chmod(path, mode_t(mode)) != 0 {
                let error = FastCGIServerError.socketPermissionsNotApplied(path: path, errno: errno)
                try? await listener.close()
                throw error
            }
            return listener
        case .inheritedSocket(let fd):
            guard fd >= 0 else {
                throw FastCGIServerError.invalidFileDescriptor(fd)
            }
            return try await bootstrap.withBoundSocket(fd).get()
        }
    }
}
