import Foundation

/// A private memcached (Debian's), on a free loopback port, for the shared-cache tests.
final class MemcachedServer: Sendable {
    let port: Int
    private let process: ExternalProcess

    private init(port: Int, process: ExternalProcess) {
        self.port = port
        self.process = process
    }

    /// Starts memcached with 64 MB, on `port` or a free one, and waits until it accepts connections.
    static func start(port chosen: Int? = nil) async throws -> MemcachedServer {
        let binary = try TestEnvironment.require("memcached", package: "memcached")
        let port = try chosen ?? TestEnvironment.freePort()
        let folder = try TestEnvironment.temporaryFolder("memcached")
        let process = try ExternalProcess(
            binary, ["-l", "127.0.0.1", "-p", "\(port)", "-U", "0", "-m", "64", "-u", "root"], logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: process)
        return MemcachedServer(port: port, process: process)
    }

    /// `host:port`, as MEMCACHED_SERVERS names it.
    var address: String { "127.0.0.1:\(port)" }

    /// memcached's own counters (`stats`): get_hits, get_misses, curr_items, cmd_set ...
    func stats() async throws -> [String: Int] {
        let reply = try await TestHTTPClient.exchange(
            host: "127.0.0.1", port: port, bytes: Array("stats\r\nquit\r\n".utf8))
        var values: [String: Int] = [:]
        for line in String(decoding: reply, as: UTF8.self).split(separator: "\r\n") {
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[0] == "STAT", let value = Int(parts[2]) { values[String(parts[1])] = value }
        }
        return values
    }

    /// `curr_items`, polled until `enough` holds for it or `timeout` passes; returns the last count. Stores are sent
    /// in the background after the answer, so on a busy machine they arrive late: tests wait for them, not for time.
    func items(
        until enough: (Int) async throws -> Bool, timeout: Duration = .seconds(10)
    ) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var count = try await stats()["curr_items"] ?? 0
        while try await !enough(count), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            count = try await stats()["curr_items"] ?? 0
        }
        return count
    }

    /// Kills it at once (SIGKILL), as a crash would.
    func kill() async {
        process.signal(SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(5))
    }

    /// Stops it without closing its sockets (SIGSTOP): connections are accepted by the kernel and never answered,
    /// the worst case for a client.
    func pause() {
        process.signal(SIGSTOP)
    }

    /// Lets a paused server go on (SIGCONT).
    func resume() {
        process.signal(SIGCONT)
    }

    /// Stops it.
    func stop() async {
        await process.stop()
    }
}
