import FastCGI
import Foundation
import IIPPipeline
import IIPProtocol
import IIPServer
import IIPTestSupport
import Logging
import NIOCore
import NIOPosix
import Testing

/// `/ready` (issue 12, item 3): 200 while serving, 503 while FILESYSTEM_PREFIX cannot be read (and 200 again once it
/// can) and from the moment a drain starts; `/health` stays 200 throughout. Over HTTP and through nginx.
@Suite("Readiness")
struct ReadinessTests {
    @Test func readyFollowsTheImageFolder() async throws {
        let folder = try TestEnvironment.temporaryFolder("readiness-images")
        let configuration = TestServer.configuration { $0.filesystemPrefix = folder + "/" }
        try await TestServer.withNginx(configuration) { server, nginx in
            for port in [server.port, nginx.port] {
                let ready = try await TestHTTPClient.get(port: port, "/ready")
                #expect(ready.status == 200 && ready.text == "ready\n", "\(ready.status) \(ready.text)")
                #expect(ready.header("Cache-Control") == "no-cache")
            }
            // The storage goes away: not ready, but alive.
            #expect(rename(folder, folder + ".away") == 0)
            for port in [server.port, nginx.port] {
                let gone = try await TestHTTPClient.get(port: port, "/ready")
                #expect(gone.status == 503 && gone.text == "FILESYSTEM_PREFIX is not readable\n")
                #expect(try await TestHTTPClient.get(port: port, "/health").status == 200)
            }
            // It comes back: ready again, with nothing restarted.
            #expect(rename(folder + ".away", folder) == 0)
            #expect(try await TestHTTPClient.get(port: nginx.port, "/ready").status == 200)
        }
    }

    // What SIGTERM starts (PipelineService's graceful shutdown calls finish): admission closes. Asked of the
    // router that both frontends use, since a running server then stops its frontends too.
    @Test func aDrainIsNotReady() async throws {
        let pipeline = Pipeline(configuration: TestServer.configuration(), logger: Logger(label: "readiness"))
        let router = FrontendRouter(pipeline: pipeline, metrics: nil)
        let before = await router.respond(to: ServerRequest(path: "/ready"))
        #expect(before.status.code == 200)
        pipeline.finish()
        let draining = await router.respond(to: ServerRequest(path: "/ready"))
        #expect(draining.status.code == 503)
        #expect(String(buffer: draining.body) == "draining\n")
        #expect(await router.respond(to: ServerRequest(path: "/health")).status.code == 200)
        #expect(await router.respond(to: ServerRequest(path: "/", query: "FIF=x&OBJ=IIP,1.0")).status.code == 503)
        await pipeline.run()
        await pipeline.shutdown()
    }

    // The running binary: SIGTERM drains the frontends one after the other, FastCGI first, each for as long as its
    // slowest request in flight; /ready must say 503 on the one still answering from the start (before the fix it
    // said 200 until the pipeline finished, after both frontends had stopped, so never). DrainAnnouncementService.
    @Test func readyIs503OnTheHTTPFrontendWhileTheFastCGIFrontendDrains() async throws {
        let folder = try TestEnvironment.temporaryFolder("readiness-drain")
        let server = try await ClusterInstance.start(
            name: "draining", environment: ["FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": "stderr"],
            folder: folder)
        #expect(try await server.get("/ready").status == 200)
        // A request nginx has begun to send (BEGIN_REQUEST, role responder, keep the connection; no parameters yet)
        // holds the FastCGI frontend's drain open until the connection goes.
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: try #require(server.fastCGIPort)).get()
        try await connection.writeAndFlush(ByteBuffer(bytes: [1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]))
        try await Task.sleep(for: .milliseconds(100))
        server.process.signal(SIGTERM)
        var ready = try await server.get("/ready")
        for _ in 0..<100 where ready.status == 200 {
            try await Task.sleep(for: .milliseconds(20))
            ready = try await server.get("/ready")
        }
        #expect(ready.status == 503 && ready.text == "draining\n", "\(ready.status) \(ready.text)")
        #expect(server.process.isRunning)
        #expect(try await server.get("/health").status == 200)
        try await connection.close()
        #expect(await server.process.waitForExit(timeout: .seconds(15)) == 0, "\(server.process.output.suffix(2000))")
    }
}
