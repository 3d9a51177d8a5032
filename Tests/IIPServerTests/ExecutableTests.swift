import Foundation
import IIPTestSupport
import Testing

/// The `iipsrv-async` binary as an operator meets it: flags, logging, signals.
@Suite("The executable", .serialized)
struct ExecutableTests {
    init() throws { try StandardFixtures.prepare() }

    /// Starts the binary with HTTP on a free port.
    static func start(_ environment: [String: String], folder: String) async throws -> (ExternalProcess, Int) {
        let port = try TestEnvironment.freePort()
        var variables = ["FILESYSTEM_PREFIX": Fixtures.directory + "/"]
        variables.merge(environment) { $1 }
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(port)"], environment: variables,
            logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: server)
        return (server, port)
    }

    // iipsrv-reference §11.5: LOGFILE and VERBOSITY; one line per setting, one per request at 2.
    @Test func logsToTheConfiguredFileAtTheConfiguredVerbosity() async throws {
        let folder = try TestEnvironment.temporaryFolder("logging")
        let log = folder + "/iipsrv.log"
        let (server, port) = try await Self.start(
            ["LOGFILE": log, "VERBOSITY": "2", "JPEG_QUALITY": "88"], folder: folder)
        _ = try await TestHTTPClient.get(port: port, "/?FIF=grey-lzw.tif&OBJ=Max-size")
        await server.stop()
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("Setting JPEG_QUALITY to 88"))
        #expect(text.contains("Setting FILESYSTEM_PREFIX to \(Fixtures.directory)/"))
        #expect(text.contains("query=\"FIF=grey-lzw.tif&OBJ=Max-size\""))
        #expect(text.contains("status=200"))

        let quietLog = folder + "/quiet.log"
        let (quiet, quietPort) = try await Self.start(["LOGFILE": quietLog, "VERBOSITY": "0"], folder: folder)
        _ = try await TestHTTPClient.get(port: quietPort, "/?FIF=grey-lzw.tif&OBJ=Max-size")
        await quiet.stop()
        let quietText = (try? String(contentsOfFile: quietLog, encoding: .utf8)) ?? ""
        #expect(!quietText.contains("Setting"))
        #expect(!quietText.contains("query="))
    }

    // iipsrv-reference §1.5: SIGHUP empties the caches; the server keeps serving.
    @Test func sighupEmptiesTheCaches() async throws {
        let folder = try TestEnvironment.temporaryFolder("sighup")
        let (server, port) = try await Self.start(["LOGFILE": "stderr", "VERBOSITY": "1"], folder: folder)
        let tile = try await TestHTTPClient.get(port: port, "/?FIF=rgb-jpeg-odd.tif&JTL=2,0")
        #expect(tile.status == 200)
        #expect(try await Self.cacheBytesNow(port: port) > 0)
        server.signal(SIGHUP)
        var emptied = false
        for _ in 0..<100 where !emptied {
            emptied = server.output.contains("SIGHUP: caches emptied")
            if !emptied { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(emptied)
        #expect(try await Self.cacheBytesNow(port: port) == 0)
        let again = try await TestHTTPClient.get(port: port, "/?FIF=rgb-jpeg-odd.tif&JTL=2,0")
        #expect(again.status == 200 && again.body == tile.body)
        #expect(server.isRunning)
        server.signal(SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(15)) == 0)
    }

    @Test func refusesToStartWithoutAnAddress() async throws {
        let folder = try TestEnvironment.temporaryFolder("no-address")
        let server = try ExternalProcess(TestEnvironment.serverExecutable, [], logDirectory: folder)
        let status = await server.waitForExit(timeout: .seconds(20))
        #expect(status != nil && status != 0)
        #expect(server.output.contains("nothing to serve"))
        let help = try ExternalProcess(TestEnvironment.serverExecutable, ["--help"], logDirectory: folder)
        #expect(await help.waitForExit(timeout: .seconds(20)) == 0)
        #expect(help.output.contains("FILESYSTEM_PREFIX"))
        #expect(help.output.contains("--fcgi"))
    }

    // ADMIN_ADDRESS that is not PORT or HOST:PORT stops the start with a message naming it, rather than serving
    // metrics nowhere.
    @Test func refusesAnAdminAddressItCannotListenOn() async throws {
        let folder = try TestEnvironment.temporaryFolder("bad-admin")
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(try TestEnvironment.freePort())"],
            environment: ["ADMIN_ADDRESS": "not-a-port", "LOGFILE": "stderr"], logDirectory: folder)
        let status = await server.waitForExit(timeout: .seconds(20))
        #expect(status != nil && status != 0)
        #expect(server.output.contains("ADMIN_ADDRESS: expected PORT or HOST:PORT, got not-a-port"), "\(server.output)")
    }

    /// The tile cache size the server reports on /metrics.
    static func cacheBytesNow(port: Int) async throws -> Int {
        let metrics = try await TestHTTPClient.get(port: port, "/metrics")
        let line = metrics.text.split(separator: "\n").first { $0.hasPrefix("iip_tile_cache_bytes") }
        return Int(Double(line?.split(separator: " ").last ?? "") ?? -1)
    }
}
