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
    private typealias Listener = NIOAsyncChannel<FastCGIConnection, Never>

    private let configuration: FastCGIServerConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let onServerRunning: (@Sendable (SocketAddress?) -> Void)?
    private let handler: FastCGIHandler

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
    }

    /// Binds, then serves until graceful shutdown or cancellation.
    ///
    /// A stale unix socket file is replaced before binding, and the socket file is removed before this returns.
    public func run() async throws {
        let quiescingHelper = ServerQuiescingHelper(group: eventLoopGroup)
        // NIO removes a unix socket file it created when the listener closes, before `executeThenClose` returns.
        let listener = try await bind(quiescingHelper: quiescingHelper)
        let serverChannel = listener.channel
        logger.info(
            "FastCGI server listening",
            metadata: ["address": "\(serverChannel.localAddress.map { "\($0)" } ?? "\(configuration.address)")"]
        )
        onServerRunning?(serverChannel.localAddress)
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await serve(listener)
            } onGracefulShutdown: { [logger] in
                logger.info("FastCGI server shutting down gracefully")
                quiescingHelper.initiateShutdown(promise: nil)
            }
        } onCancel: {
            serverChannel.close(promise: nil)
        }
        logger.info("FastCGI server stopped")
    }

    private func serve(_ listener: Listener) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask {
                        await connection.run()
                    }
                }
            }
        }
    }

    private func bind(quiescingHelper: ServerQuiescingHelper) async throws -> Listener {
        let configuration = self.configuration
        let logger = self.logger
        let handler = self.handler
        let counter = FastCGIConnectionCounter(limit: configuration.maxConnections)
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let collector = quiescingHelper.makeServerChannelHandler(channel: channel)
                    try channel.pipeline.syncOperations.addHandler(collector)
                }
            }
        let initializer: @Sendable (any Channel) -> EventLoopFuture<FastCGIConnection> = { channel in
            channel.eventLoop.makeCompletedFuture {
                // Counted here, before any handler is added: a connection past the limit never reaches one.
                guard counter.acquire() else {
                    logger.warning("FastCGI connection limit reached, closing a new connection")
                    return FastCGIConnection(channel: channel, finished: nil)
                }
                channel.closeFuture.whenComplete { _ in counter.release() }
                return try FastCGIChannelInitializer.configure(
                    channel,
                    configuration: configuration,
                    logger: logger,
                    handler: handler
                )
            }
        }
        switch configuration.address {
        case .tcp(let host, let port):
            return try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
        case .unixSocket(let path):
            let listener = try await bootstrap.bind(
                unixDomainSocketPath: path,
                cleanupExistingSocketFile: true,
                childChannelInitializer: initializer
            )
            if let mode = configuration.unixSocketMode, chmod(path, mode_t(mode)) != 0 {
                let error = FastCGIServerError.socketPermissionsNotApplied(path: path, errno: errno)
                try? await listener.channel.close()
                throw error
            }
            return listener
        case .inheritedSocket(let fd):
            guard fd >= 0 else {
                throw FastCGIServerError.invalidFileDescriptor(fd)
            }
            return try await bootstrap.bind(fd, childChannelInitializer: initializer)
        }
    }
}
