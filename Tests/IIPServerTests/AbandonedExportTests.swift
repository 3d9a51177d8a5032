import Foundation
import IIPTestSupport
import Testing

/// Issue 16, item 2: the work of a client that has gone stops. Eight clients ask for large region exports at once
/// (one export runs, seven wait, one codec thread), then disconnect while the first is decoding its tiles. The
/// work counter (`iip_codec_jobs_total{priority="bulk"}`, one per decoded tile, composition or encoding) must stop
/// within a few jobs, the waiting exports must leave without decoding anything, and the dropped jobs are counted.
/// Over HTTP the client closes its connection to the server; through nginx it closes its connection to nginx, and
/// nginx closes the FastCGI connection (iipsrv-reference §1.5: iipsrv would finish every one of them).
@Suite("Abandoned exports", .serialized)
struct AbandonedExportTests {
    init() throws { try StandardFixtures.prepare() }

    /// 2048 x 2048 in 128-pixel JPEG tiles: a full-resolution export decodes 256 tiles, then composes and encodes.
    static let image = FixtureSpec("abandon-2048.tif", width: 2048, height: 2048).with { $0.tileSize = 128 }
    static let jobsPerExport = 257
    static let clients = 8
    static let bulkJobs = "iip_codec_jobs_total{priority=\"bulk\"}"

    /// An export of the whole image at nearly full size, a different width per client so that none is shared.
    static func export(_ client: Int) -> String {
        "/fcgi-bin/iipsrv.fcgi?FIF=abandon.tif&WID=\(2000 + client)&CVT=jpeg"
    }

    @Test func exportsOfClientsThatLeftOverHTTPStop() async throws {
        try await run("abandon-http") { instance, _ in instance.httpPort }
    }

    @Test func exportsOfClientsThatLeftNginxStop() async throws {
        try await run("abandon-nginx") { _, nginx in nginx.port }
    }

    private func run(_ name: String, port: (ClusterInstance, NginxFrontend) -> Int) async throws {
        let fixture = try Fixtures.make(Self.image)
        try await FaultInjectionTests.withServer(
            name, files: ["abandon.tif": URL(fileURLWithPath: fixture).lastPathComponent],
            environment: [
                "OMP_NUM_THREADS": "1", "MAX_EXPORTS_IN_FLIGHT": "1", "FILE_CHECK_INTERVAL": "3600",
            ]
        ) { instance, _ in
            let nginx = try await NginxFrontend.start(upstream: instance.upstream)
            do {
                try await abandon(instance, port: port(instance, nginx), name: name)
            } catch {
                Issue.record(error)
            }
            await nginx.stop()
        }
    }

    private func abandon(_ instance: ClusterInstance, port target: Int, name: String) async throws {
        let before = try await instance.metric(Self.bulkJobs)
        let cancelledBefore = try await instance.metric("iip_codec_jobs_cancelled_total")

        var sockets: [RawSocket] = []
        for client in 0..<Self.clients {
            let socket = try RawSocket(port: target)
            #expect(socket.waitConnected(milliseconds: 5000))
            #expect(socket.send("GET \(Self.export(client)) HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            sockets.append(socket)
        }
        // The first export is decoding: some of its jobs ran, most wait.
        let started = ContinuousClock.now + .seconds(60)
        while try await instance.metric(Self.bulkJobs) < before + 8, ContinuousClock.now < started {
            try await Task.sleep(for: .milliseconds(5))
        }
        let atDisconnect = try await instance.metric(Self.bulkJobs)
        #expect(atDisconnect >= before + 8, "no export started")
        sockets.removeAll()  // every client disconnects

        // Every export leaves: the running one at its next job, the waiting ones without decoding.
        let gone = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < gone {
            let running = try await instance.metric("iip_exports_in_flight")
            let waiting = try await instance.metric("iip_exports_queued")
            if running == 0 && waiting == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let settled = try await instance.metric(Self.bulkJobs)
        try await Task.sleep(for: .seconds(1))
        let later = try await instance.metric(Self.bulkJobs)
        let afterDisconnect = settled - atDisconnect
        print("\(name): \(atDisconnect - before) jobs before the clients left, \(afterDisconnect) after")
        #expect(later == settled, "the work counter still moves: \(settled) then \(later)")
        // Without the drop: the rest of the first export and seven more, about 2,000 jobs. The few allowed are
        // the ones a thread takes while the disconnection travels (through nginx: client, nginx, FastCGI).
        #expect(afterDisconnect <= 128, "\(afterDisconnect) jobs ran after the clients left")
        #expect(try await instance.metric("iip_exports_in_flight") == 0)
        #expect(try await instance.metric("iip_exports_queued") == 0)
        // Jobs already queued when the clients left are dropped and counted; exports that were still waiting for
        // their slot leave before queueing any, so the count may stay where it was.
        let dropped = try await instance.metric("iip_codec_jobs_cancelled_total") - cancelledBefore
        print("\(name): \(dropped) queued jobs dropped")

        // The server goes on: the same export, asked for by a client that stays, answers.
        let answer = try await instance.get(Self.export(0))
        #expect(answer.status == 200)
    }
}
