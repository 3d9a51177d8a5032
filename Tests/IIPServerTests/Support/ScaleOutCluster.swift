import Foundation
import IIPTestSupport

/// Issue 12's scale-out arrangement on loopback: two memcached servers, two `iipsrv-async` instances (A and B) that
/// both list them in MEMCACHED_SERVERS (same servers, same order) and share FILESYSTEM_PREFIX, and nginx running
/// `Config/nginx/iipsrv-async-instances.conf` in front of both.
final class ScaleOutCluster: Sendable {
    let memcached: [MemcachedServer]
    let a: ClusterInstance
    let b: ClusterInstance
    let nginx: NginxFrontend
    let folder: String
    /// A's environment and transport, for instances started later.
    private let environment: [String: String]
    private let transport: ClusterInstance.Transport

    private init(
        memcached: [MemcachedServer], a: ClusterInstance, b: ClusterInstance, nginx: NginxFrontend, folder: String,
        environment: [String: String], transport: ClusterInstance.Transport
    ) {
        self.memcached = memcached
        self.a = a
        self.b = b
        self.nginx = nginx
        self.folder = folder
        self.environment = environment
        self.transport = transport
    }

    /// Starts everything, the instances reached over `transport`; `environment` is added to both instances' (e.g.
    /// a tile cache size).
    static func start(transport: ClusterInstance.Transport, environment: [String: String]) async throws
        -> ScaleOutCluster
    {
        let folder = try TestEnvironment.temporaryFolder("scale-out")
        let memcached = [try await MemcachedServer.start(), try await MemcachedServer.start()]
        var variables = [
            "FILESYSTEM_PREFIX": Fixtures.directory + "/",
            "MEMCACHED_SERVERS": memcached.map(\.address).joined(separator: ","),
            // A replaced file is seen at the next request, not up to a second later.
            "FILE_CHECK_INTERVAL": "0",
            // Generous: on a busy machine a slow memcached answer must not pass for a lost server (a lookup past
            // the timeout is a miss, and the server is left out for a while). A killed one refuses at once.
            "MEMCACHED_IO_TIMEOUT": "1000",
            "LOGFILE": "stderr", "VERBOSITY": "1",
        ]
        variables.merge(environment) { $1 }
        let a = try await ClusterInstance.start(name: "A", transport: transport, environment: variables, folder: folder)
        let environment = variables
        // B as on a machine with more cores: its own thread count, which must not keep it from sharing A's tiles.
        variables["OMP_NUM_THREADS"] = variables["OMP_NUM_THREADS"] ?? "3"
        let b = try await ClusterInstance.start(name: "B", transport: transport, environment: variables, folder: folder)
        let nginx = try await NginxFrontend.start(instances: [a.upstream, b.upstream])
        return ScaleOutCluster(
            memcached: memcached, a: a, b: b, nginx: nginx, folder: folder, environment: environment,
            transport: transport)
    }

    /// Runs `body` with a new cluster and stops it afterwards, whatever happens.
    static func with<Result>(
        transport: ClusterInstance.Transport = .tcp, environment: [String: String] = [:],
        _ body: (ScaleOutCluster) async throws -> Result
    ) async throws -> Result {
        let cluster = try await start(transport: transport, environment: environment)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    /// Starts one more instance configured as A, not yet in nginx's upstream; the caller stops it.
    func startInstance(name: String) async throws -> ClusterInstance {
        try await ClusterInstance.start(name: name, transport: transport, environment: environment, folder: folder)
    }

    /// Sum of one series over both instances.
    func metric(_ series: String) async throws -> Double {
        try await a.metric(series) + b.metric(series)
    }

    /// Starts wrk through nginx, until its ``WrkLoad/stop()``.
    func load(_ targets: [String], connections: Int = 16, headers: [String] = []) throws -> WrkLoad {
        try WrkLoad.start(targets, port: nginx.port, connections: connections, headers: headers, folder: folder)
    }

    /// Stops nginx, the instances and memcached.
    func stop() async {
        await nginx.stop()
        await a.process.stop()
        await b.process.stop()
        for server in memcached { await server.stop() }
    }
}
