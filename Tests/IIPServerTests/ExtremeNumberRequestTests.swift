import Foundation
import IIPTestSupport
import Testing

/// Issue 8: no number in any request can stop the server.
///
/// The real `iipsrv-async` binary runs in its own process with HTTP and FastCGI, behind the project's nginx example,
/// so a trap shows as a dead process (and a 502 from nginx) instead of taking the test runner down. Every numeric
/// slot of every protocol gets the extremes of ``ExtremeRequests`` alone, all together and in seeded random
/// combinations; each answer must be below 500 and the process must still serve afterwards.
@Suite("Extreme numbers in requests", .serialized)
struct ExtremeNumberRequestTests {
    init() throws { try StandardFixtures.prepare() }

    /// Random combinations per template (on top of every extreme alone and all together).
    static let combinations = 16

    @Test func noNumberStopsTheServerOverHTTPOrFastCGI() async throws {
        let folder = try TestEnvironment.temporaryFolder("extreme-numbers")
        // Two processes. Over HTTP MAX_CVT is off (-1, upscaling allowed), so the largest sizes the parsers accept reach
        // the pixel and format bounds (MAX_EXPORT_PIXELS lowered to 4 million so that the legal giants stay quick in a
        // debug build); behind nginx MAX_CVT=1500 instead of 5000 for the same reason.
        let httpPort = try TestEnvironment.freePort()
        let unlimited = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(httpPort)"],
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": folder + "/unlimited.log", "VERBOSITY": "1",
                "MAX_CVT": "-1", "ALLOW_UPSCALING": "1", "MAX_EXPORT_PIXELS": "4000000",
            ],
            logDirectory: folder)
        defer { Task { await unlimited.stop() } }
        try await TestEnvironment.waitForPort(httpPort, of: unlimited)
        let fastCGIPort = try TestEnvironment.freePort()
        let checkPort = try TestEnvironment.freePort()
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable,
            ["--http", "127.0.0.1:\(checkPort)", "--fcgi", "127.0.0.1:\(fastCGIPort)"],
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": folder + "/iipsrv.log", "VERBOSITY": "1",
                "MAX_CVT": "1500",
            ],
            logDirectory: folder)
        defer { Task { await server.stop() } }
        try await TestEnvironment.waitForPort(checkPort, of: server)
        let nginx = try await NginxFrontend.start(upstream: .tcp(port: fastCGIPort))
        defer { Task { await nginx.stop() } }

        let targets = ExtremeRequests.targets(seed: Fixtures.seed, combinations: Self.combinations)
        print(
            "extreme numbers: \(ExtremeRequests.templates.count) templates, \(targets.count) targets, "
                + "\(2 * targets.count) requests over HTTP and FastCGI (nginx)")
        var failures: [String] = []
        var statuses: [Int: Int] = [:]
        for (frontend, port, process) in [("http", httpPort, unlimited), ("fastcgi", nginx.port, server)] {
            for batch in stride(from: 0, to: targets.count, by: 16) {
                let slice = Array(targets[batch..<min(batch + 16, targets.count)])
                let answers = await Self.send(slice, port: port)
                for (target, status) in answers {
                    statuses[status, default: 0] += 1
                    if status >= 500 || status < 100 { failures.append("\(frontend) \(status) \(target)") }
                }
                guard process.isRunning else {
                    Issue.record(
                        """
                        the server died during one of these \(frontend) requests:
                        \(slice.joined(separator: "\n"))
                        \(process.output.suffix(2000))
                        """)
                    return
                }
            }
        }
        print("extreme numbers: statuses \(statuses.sorted { $0.key < $1.key })")
        #expect(failures.isEmpty, "\(failures.count) answers were 5xx or none: \(failures.prefix(20))")
        #expect(server.isRunning && unlimited.isRunning)
        // Still serving, on both frontends, with the right pictures.
        let tile = try await TestHTTPClient.get(port: httpPort, "/?FIF=rgb-jpeg-odd.tif&JTL=1,0")
        #expect(tile.status == 200 && tile.header("Content-Type") == "image/jpeg")
        let through = try await nginx.get("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&JTL=1,0")
        #expect(through.status == 200 && through.body == tile.body)
        #expect(try await TestHTTPClient.get(port: checkPort, "/health").status == 200)
    }

    /// Sends `targets` at once; a transport failure or timeout counts as status 0.
    static func send(_ targets: [String], port: Int) async -> [(String, Int)] {
        await withTaskGroup(of: (String, Int).self) { group in
            for target in targets {
                group.addTask {
                    let status = (try? await TestHTTPClient.get(port: port, target))?.status ?? 0
                    return (target, status)
                }
            }
            var answers: [(String, Int)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
    }
}
