import Foundation
import IIPPipeline
import IIPTestSupport
import Testing

/// The lighttpd example (`Config/lighttpd/iipsrv-async.conf`) under Debian's lighttpd, both ways it offers: lighttpd
/// starting the server (`bin-path`, the socket on descriptor 0) and a server started separately (`host`/`port`).
/// Every answer through lighttpd equals the server's own HTTP answer to the same request (issue 12, item 4).
@Suite("lighttpd frontend", .serialized)
struct LighttpdFrontendTests {
    init() throws { try StandardFixtures.prepare() }

    /// What viewers and clients send, each protocol on the URL it is deployed at, with the status it must get.
    static let requests: [(target: String, status: Int)] = [
        (
            "/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number",
            200
        ),
        ("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&JTL=2,5", 200),
        // Re-encoded, so shared through memcached (tiles sent as stored are not).
        ("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&QLT=90&JTL=2,4", 200),
        ("/fcgi-bin/iipsrv.fcgi?FIF=rgb-deflate-512.tif&RGN=0.2,0.2,0.5,0.5&HEI=200&CVT=jpeg", 200),
        ("/fcgi-bin/iipsrv.fcgi?IIIF=rgb-jpeg-odd.tif/info.json", 200),
        ("/iiif/rgb-jpeg-odd.tif/info.json", 200),
        ("/iiif/rgb-jpeg-odd.tif/256,0,256,256/256,/0/default.jpg", 200),
        ("/deepzoom/rgb-jpeg-odd.tif.dzi", 200),
        ("/deepzoom/rgb-jpeg-odd.tif_files/9/1_0.jpg", 200),
        ("/zoomify/rgb-jpeg-odd.tif/ImageProperties.xml", 200),
        ("/health", 200),
        ("/ready", 200),
        ("/fcgi-bin/iipsrv.fcgi?FIF=no-such-file.tif&JTL=0,0", 404),
        ("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&OBJ=nonsense", 400),
        ("/iiif/rgb-jpeg-odd.tif/full/max/0/default.nonsense", 400),
        ("/iiif/no-such-file.tif/info.json", 404),
        // The viewer page, its files and its image list (a bad page number proves the query arrives).
        ("/viewer/", 200),
        ("/viewer/tiles.js", 200),
        ("/viewer/images.json", 200),
        ("/viewer/images.json?page=1", 200),
        ("/viewer/images.json?page=x", 400),
    ]

    /// The same Host on both paths, so that IIIF ids (built from it) compare equal.
    static let host = [("Host", "images.example.org:8080")]

    /// Sends every request through lighttpd and straight to the server's HTTP port: same status (the expected
    /// one), content type, ETag, Last-Modified and bytes. (The twin differs in LOGFILE and MEMCACHED_SERVERS,
    /// which entity tags leave out, so instances behind one web server agree.)
    static func expectSameAnswers(_ lighttpd: LighttpdFrontend, directPort: Int) async throws {
        for (target, status) in requests {
            let viaLighttpd = try await lighttpd.get(target, headers: host)
            let direct = try await TestHTTPClient.get(port: directPort, target, headers: host)
            #expect(viaLighttpd.status == status, "\(target): \(viaLighttpd.text.prefix(200))")
            #expect(viaLighttpd.status == direct.status, "\(target)")
            #expect(viaLighttpd.header("Content-Type") == direct.header("Content-Type"), "\(target)")
            #expect(viaLighttpd.body == direct.body, "\(target)")
            #expect(viaLighttpd.header("ETag") == direct.header("ETag"), "\(target)")
            #expect(viaLighttpd.header("Last-Modified") == direct.header("Last-Modified"), "\(target)")
        }
        let metrics = try await lighttpd.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("iip_tile_cache_lookups_total"))
    }

    // bin-path: lighttpd starts the binary with the example's bin-environment; a twin started by hand with the same
    // variables (without memcached, so its answers are its own) answers every request alike.
    @Test func lighttpdStartsTheServerWithTheExampleEnvironment() async throws {
        let memcached = try await MemcachedServer.start()
        defer { Task { await memcached.stop() } }
        let lighttpd = try await LighttpdFrontend.start(backend: .spawned(memcachedPort: memcached.port))
        defer { Task { await lighttpd.stop() } }
        let environment = lighttpd.binEnvironment
        #expect(environment.count >= 7, "\(environment)")
        var twinEnvironment = environment
        twinEnvironment["MEMCACHED_SERVERS"] = ""
        twinEnvironment["LOGFILE"] = lighttpd.folder + "/twin.log"
        let (twin, twinPort) = try await ExecutableTests.start(twinEnvironment, folder: lighttpd.folder)
        defer { Task { await twin.stop() } }

        try await Self.expectSameAnswers(lighttpd, directPort: twinPort)
        // One process, started by lighttpd (max-procs 1).
        #expect(lighttpd.spawnedServers.count == 1, "\(lighttpd.errorLog)")
        // Every variable reached it: its log (at the LOGFILE given) lists each as set, and it asked the memcached
        // that MEMCACHED_SERVERS names. FILESYSTEM_PREFIX is in use, or no image would be found.
        let log = (try? String(contentsOfFile: lighttpd.serverLog, encoding: .utf8)) ?? ""
        let expected = ServerConfiguration(environment: environment, cores: 1).summary
        for (name, value) in expected where environment[name] != nil {
            #expect(log.contains("Setting \(name) to \(value)\n"), "\(name): \(log.prefix(3000))")
        }
        // Lookups and stores both count: on a busy machine a first call past MEMCACHED_IO_TIMEOUT (50 ms) marks the
        // server down, as designed, and stores wait for the probe; the lookup still reached memcached.
        var stats = try await memcached.stats()
        let deadline = ContinuousClock.now + .seconds(10)
        while (stats["cmd_get"] ?? 0) + (stats["cmd_set"] ?? 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            stats = try await memcached.stats()
        }
        #expect((stats["cmd_get"] ?? 0) + (stats["cmd_set"] ?? 0) > 0, "\(stats)")
    }

    // host/port: lighttpd passes requests to a server started separately (iipsrv-async --fcgi 127.0.0.1:PORT),
    // whose own HTTP port gives the answers to compare with.
    @Test func hostPortVariantReachesASeparatelyStartedServer() async throws {
        let folder = try TestEnvironment.temporaryFolder("lighttpd-separate")
        let fastCGIPort = try TestEnvironment.freePort()
        let httpPort = try TestEnvironment.freePort()
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable,
            ["--fcgi", "127.0.0.1:\(fastCGIPort)", "--http", "127.0.0.1:\(httpPort)"],
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/", "MEMCACHED_SERVERS": "", "LOGFILE": "stderr",
                "VERBOSITY": "1",
            ],
            logDirectory: folder)
        defer { Task { await server.stop() } }
        try await TestEnvironment.waitForPort(httpPort, of: server)
        let lighttpd = try await LighttpdFrontend.start(backend: .separate(port: fastCGIPort))
        defer { Task { await lighttpd.stop() } }

        try await Self.expectSameAnswers(lighttpd, directPort: httpPort)
        #expect(lighttpd.spawnedServers.isEmpty)
        // /metrics answers local clients only: from 127.0.0.2 lighttpd refuses it, while /health stays open.
        let curl = try TestEnvironment.require("curl", package: "curl")
        for (target, status) in [("/metrics", "403"), ("/health", "200")] {
            let probe = try ExternalProcess(
                curl,
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.2",
                    "http://127.0.0.1:\(lighttpd.port)\(target)",
                ], logDirectory: folder)
            #expect(await probe.waitForExit(timeout: .seconds(20)) == 0)
            #expect(probe.output == status, "\(target)")
        }
        // The bin-path block is commented out: lighttpd starts nothing.
        let active = lighttpd.configuration.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(!active.contains { $0.hasPrefix("\"bin-path\"") })
    }

    /// How lighttpd is stopped.
    enum Stop: String, CaseIterable, Sendable {
        /// SIGTERM to lighttpd alone (`kill`, or lighttpd's own init script).
        case lighttpdAlone
        /// SIGTERM to lighttpd and the server it started at once, as systemd stops a service.
        case wholeGroup
    }

    // However lighttpd is stopped, the server it started drains and exits; none is left running.
    @Test(arguments: Stop.allCases)
    func stoppingLighttpdStopsTheServerItStarted(stop: Stop) async throws {
        let memcached = try await MemcachedServer.start()
        defer { Task { await memcached.stop() } }
        let lighttpd = try await LighttpdFrontend.start(backend: .spawned(memcachedPort: memcached.port))
        defer { Task { await lighttpd.stop() } }
        #expect(try await lighttpd.get("/ready").status == 200)
        let servers = lighttpd.spawnedServers
        #expect(servers.count == 1)
        switch stop {
        case .lighttpdAlone: lighttpd.process.signal(SIGTERM)
        case .wholeGroup: kill(-lighttpd.process.pid, SIGTERM)
        }
        #expect(await lighttpd.process.waitForExit(timeout: .seconds(15)) != nil)
        for pid in servers {
            #expect(await ProcessTable.waitUntilGone(pid, timeout: .seconds(15)), "server \(pid) still running")
        }
        let log = (try? String(contentsOfFile: lighttpd.serverLog, encoding: .utf8)) ?? ""
        #expect(log.contains("iipsrv-async stopped"), "\(log.suffix(2000))")
    }

    // A server that exits (SIGTERM to it alone) is started again by lighttpd, which keeps answering.
    @Test func lighttpdStartsAStoppedServerAgain() async throws {
        let memcached = try await MemcachedServer.start()
        defer { Task { await memcached.stop() } }
        let lighttpd = try await LighttpdFrontend.start(backend: .spawned(memcachedPort: memcached.port))
        defer { Task { await lighttpd.stop() } }
        let first = try #require(lighttpd.spawnedServers.first)
        kill(first, SIGTERM)
        #expect(await ProcessTable.waitUntilGone(first, timeout: .seconds(15)))
        var answer = 0
        for _ in 0..<100 where answer != 200 {
            answer = (try? await lighttpd.get("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&JTL=0,0").status) ?? 0
            if answer != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answer == 200, "\(lighttpd.errorLog)")
        let second = lighttpd.spawnedServers
        #expect(second.count == 1 && second != [first])
    }
}
