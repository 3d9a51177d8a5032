import Foundation
import IIPTestSupport

/// One instance of the built executable serving FastCGI behind the example nginx (`Config/nginx`) and HTTP on its
/// own port, sharing tiles through a real memcached: the set-up `/metrics` is tested on.
final class MonitoredServer: Sendable {
    let instance: ClusterInstance
    let nginx: NginxFrontend
    let memcached: MemcachedServer

    private init(instance: ClusterInstance, nginx: NginxFrontend, memcached: MemcachedServer) {
        self.instance = instance
        self.nginx = nginx
        self.memcached = memcached
    }

    /// Runs `body` with a new server, `environment` added to its own, and stops everything afterwards.
    static func with<Result>(
        environment: [String: String] = [:], _ body: (MonitoredServer) async throws -> Result
    ) async throws -> Result {
        let memcached = try await MemcachedServer.start()
        let folder = try TestEnvironment.temporaryFolder("monitored")
        var variables = [
            "FILESYSTEM_PREFIX": Fixtures.directory + "/", "MEMCACHED_SERVERS": memcached.address,
            // A slow memcached answer on a busy machine must not pass for a lost server.
            "MEMCACHED_IO_TIMEOUT": "1000", "LOGFILE": "stderr", "VERBOSITY": "1",
        ]
        variables.merge(environment) { $1 }
        let server: MonitoredServer
        do {
            let instance = try await ClusterInstance.start(name: "monitored", environment: variables, folder: folder)
            do {
                let nginx = try await NginxFrontend.start(upstream: instance.upstream)
                server = MonitoredServer(instance: instance, nginx: nginx, memcached: memcached)
            } catch {
                await instance.process.stop()
                throw error
            }
        } catch {
            await memcached.stop()
            throw error
        }
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Sends a request over HTTP (the instance's own port) or FastCGI (through nginx).
    func get(_ target: String, frontend: Frontend, headers: [(String, String)] = []) async throws
        -> TestHTTPResponse
    {
        switch frontend {
        case .http: try await instance.get(target, headers: headers)
        case .fastcgi: try await nginx.get(target, headers: headers)
        }
    }

    /// The frontend a request goes through, named as the `frontend` label names it.
    enum Frontend: String, Sendable {
        case http
        case fastcgi
    }

    /// Stops nginx, the instance and memcached.
    func stop() async {
        await nginx.stop()
        await instance.process.stop()
        await memcached.stop()
    }
}
