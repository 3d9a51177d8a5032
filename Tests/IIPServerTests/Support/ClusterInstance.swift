import Foundation

/// One `iipsrv-async` process of a ``ScaleOutCluster``: the built executable serving FastCGI (for nginx) on a free
/// loopback port or a unix socket, and HTTP (for the test: its own `/metrics` and `/ready`, and requests sent to it
/// alone) on a free loopback port.
final class ClusterInstance: Sendable {
    /// How nginx reaches the instances: one per machine over TCP, or several on one machine over unix sockets.
    enum Transport: String, Sendable, CaseIterable {
        case tcp
        case unixSocket
    }

    let name: String
    let process: ExternalProcess
    /// How nginx reaches it.
    let upstream: NginxFrontend.Upstream
    let httpPort: Int

    private init(name: String, process: ExternalProcess, upstream: NginxFrontend.Upstream, httpPort: Int) {
        self.name = name
        self.process = process
        self.upstream = upstream
        self.httpPort = httpPort
    }

    /// Starts the executable with `environment` added to its own, and waits until both frontends listen.
    static func start(
        name: String, transport: Transport = .tcp, environment: [String: String], folder: String
    ) async throws -> ClusterInstance {
        let upstream: NginxFrontend.Upstream
        let fastCGI: String
        switch transport {
        case .tcp:
            let port = try TestEnvironment.freePort()
            (upstream, fastCGI) = (.tcp(port: port), "127.0.0.1:\(port)")
        case .unixSocket:
            let path = folder + "/\(name).sock"
            (upstream, fastCGI) = (.unixSocket(path: path), path)
        }
        let httpPort = try TestEnvironment.freePort()
        let process = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--fcgi", fastCGI, "--http", "127.0.0.1:\(httpPort)"],
            environment: environment, logDirectory: folder)
        try await TestEnvironment.waitForPort(httpPort, of: process)
        // Both frontends start together: the FastCGI one may bind a moment after the HTTP one.
        switch upstream {
        case .tcp(let port):
            try await TestEnvironment.waitForPort(port, of: process)
        case .unixSocket(let path):
            for _ in 0..<200 where !FileManager.default.fileExists(atPath: path) {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        return ClusterInstance(name: name, process: process, upstream: upstream, httpPort: httpPort)
    }

    /// The FastCGI port, when it listens on TCP.
    var fastCGIPort: Int? {
        if case .tcp(let port) = upstream { port } else { nil }
    }

    /// Sends a request to this instance alone, over its HTTP port.
    func get(_ target: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await TestHTTPClient.get(port: httpPort, target, headers: headers)
    }

    /// The value of one series of its `/metrics`, named as the text format writes it (`name` or
    /// `name{label="value"}`); an error when the series is missing, so that a renamed metric fails loudly.
    func metric(_ series: String) async throws -> Double {
        let text = try await get("/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            if let value = Double(line.dropFirst(series.count + 1)) { return value }
        }
        throw MissingMetric(series: series, instance: name)
    }

    struct MissingMetric: Error, CustomStringConvertible {
        var series: String
        var instance: String
        var description: String { "instance \(instance) reports no \(series) on /metrics" }
    }
}
