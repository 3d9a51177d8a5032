import FastCGI
import Foundation
import IIPPipeline
import IIPServer
import IIPTestSupport
import Logging
import ServiceLifecycle

/// An in-process server on a free port, with its own configuration, for end-to-end tests over real HTTP.
final class TestServer: Sendable {
    let port: Int
    /// The FastCGI frontend's TCP port, when one was asked for on TCP.
    let fastCGIPort: Int?
    let pipeline: Pipeline
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, fastCGIPort: Int?, pipeline: Pipeline, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.fastCGIPort = fastCGIPort
        self.pipeline = pipeline
        self.group = group
        self.task = task
    }

    /// A configuration serving the fixtures folder, with quiet logging.
    static func configuration(_ update: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration(cores: 2)
        configuration.filesystemPrefix = Fixtures.directory + "/"
        // No shared cache unless a test names servers: answers must come from this server alone.
        configuration.memcachedServers = ""
        configuration.logFile = ""
        configuration.verbosity = 0
        update(&configuration)
        return configuration
    }

    /// Starts a server (HTTP on a free port, and FastCGI when `fastCGI` is given) and waits until it listens.
    static func start(
        _ configuration: ServerConfiguration = configuration(), fastCGI: FastCGIAddress? = nil
    ) async throws -> TestServer {
        let logger = Logger(label: "test-server") { _ in SwiftLogNoOpLogHandler() }
        let (ports, portInput) = AsyncStream.makeStream(of: Int.self)
        let (fastCGIPorts, fastCGIInput) = AsyncStream.makeStream(of: Int?.self)
        let application = ServerApplication(
            configuration: configuration,
            frontends: .init(http: HTTPListenAddress(host: "127.0.0.1", port: 0), fastCGI: fastCGI),
            logger: logger,
            listeners: .init(
                http: { port in portInput.yield(port) }, fastCGI: { address in fastCGIInput.yield(address?.port) }))
        let group = ServiceGroup(configuration: .init(services: try application.services(), logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        var fastCGIPort: Int?
        if fastCGI != nil {
            var fastCGIIterator = fastCGIPorts.makeAsyncIterator()
            fastCGIPort = await fastCGIIterator.next() ?? nil
        }
        return TestServer(
            port: port, fastCGIPort: fastCGIPort, pipeline: application.pipeline, group: group, task: task)
    }

    /// GET a target on this server.
    func get(_ target: String, method: String = "GET", headers: [(String, String)] = []) async throws
        -> TestHTTPResponse
    {
        try await TestHTTPClient.get(port: port, target, method: method, headers: headers)
    }

    /// Shuts down gracefully and waits for it.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    /// Runs `body` with a fresh server and stops it afterwards, also when `body` throws.
    static func with<T>(
        _ configuration: ServerConfiguration = configuration(), fastCGI: FastCGIAddress? = nil,
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(configuration, fastCGI: fastCGI)
        do {
            let result = try await body(server)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }
}
