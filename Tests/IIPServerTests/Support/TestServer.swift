import Foundation
import IIPPipeline
import IIPServer
import IIPTestSupport
import Logging
import ServiceLifecycle

/// An in-process server on a free port, with its own configuration, for end-to-end tests over real HTTP.
final class TestServer: Sendable {
    let port: Int
    let pipeline: Pipeline
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, pipeline: Pipeline, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.pipeline = pipeline
        self.group = group
        self.task = task
    }

    /// A configuration serving the fixtures folder, with quiet logging.
    static func configuration(_ update: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration(cores: 2)
        configuration.filesystemPrefix = Fixtures.directory + "/"
        configuration.logFile = ""
        configuration.verbosity = 0
        update(&configuration)
        return configuration
    }

    /// Starts a server and waits until it listens.
    static func start(_ configuration: ServerConfiguration = configuration()) async throws -> TestServer {
        let logger = Logger(label: "test-server") { _ in SwiftLogNoOpLogHandler() }
        let (ports, portInput) = AsyncStream.makeStream(of: Int.self)
        let application = ServerApplication(
            configuration: configuration, frontends: .init(http: HTTPListenAddress(host: "127.0.0.1", port: 0)),
            logger: logger, onHTTPRunning: { port in portInput.yield(port) })
        let group = ServiceGroup(configuration: .init(services: application.services(), logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return TestServer(port: port, pipeline: application.pipeline, group: group, task: task)
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
        _ configuration: ServerConfiguration = configuration(), _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(configuration)
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
