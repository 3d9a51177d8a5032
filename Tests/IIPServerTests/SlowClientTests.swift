import Foundation
import IIPTestSupport
import Testing

/// Issue 14, item 4: slow and abusive clients on both frontends of the real executable. Slowloris heads and bodies
/// (HTTP) and PARAMS/STDIN (FastCGI) are cut at REQUEST_READ_TIMEOUT, clients that never read their answer at
/// WRITE_TIMEOUT, ten thousand idle connections are held without harm and closed, pipelined garbage ends its own
/// connection only. Meanwhile a normal client keeps getting tiles from a server admitting only two requests at once
/// and queueing none: a slow client that held a pipeline slot would turn those tiles into 503s.
@Suite("Slow and abusive clients", .serialized)
struct SlowClientTests {
    init() throws { try StandardFixtures.prepare() }

    /// The limits under test, short so that the test is quick; the idle timeout long, so that only the read and
    /// write timeouts can cut the clients.
    static let environment = [
        "FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": "stderr", "VERBOSITY": "1",
        "REQUEST_READ_TIMEOUT": "2", "WRITE_TIMEOUT": "2", "HTTP_IDLE_TIMEOUT": "120",
        "MAX_REQUESTS_IN_FLIGHT": "2", "MAX_REQUESTS_QUEUED": "0", "MAX_IMAGE_CACHE_SIZE": "0",
        "MEMCACHED_SERVERS": "", "TIFF_COMPRESSION": "0",
    ]

    /// The longest any cut may take: the timeouts above plus a generous margin for a busy 2-core machine.
    static let cutWithin: Duration = .seconds(20)

    /// Starts a server with both frontends and nginx in front of its FastCGI port.
    static func withServer(
        _ name: String, changing changes: [String: String] = [:],
        _ body: (ClusterInstance, NginxFrontend) async throws -> Void
    ) async throws {
        let folder = try TestEnvironment.temporaryFolder(name)
        let instance = try await ClusterInstance.start(
            name: name, environment: environment.merging(changes) { $1 }, folder: folder)
        let nginx: NginxFrontend
        do {
            nginx = try await NginxFrontend.start(upstream: instance.upstream)
        } catch {
            await instance.process.stop()
            throw error
        }
        do {
            try await body(instance, nginx)
        } catch {
            Issue.record(error)
        }
        #expect(instance.process.isRunning, "the server died: \(instance.process.output.suffix(2000))")
        await nginx.stop()
        await instance.process.stop()
    }

    /// A normal client's tiles, over HTTP and through nginx: all must be 200 (no 503: no slot is held).
    static func expectTilesFlow(_ instance: ClusterInstance, _ nginx: NginxFrontend, count: Int = 8) async throws {
        for index in 0..<count {
            let target = "/?FIF=grey-lzw.tif&JTL=\(index % 3),0"
            let direct = try await instance.get(target)
            #expect(direct.status == 200, "tile over HTTP: \(direct.status) \(direct.text.prefix(100))")
            let through = try await nginx.get("/fcgi-bin/iipsrv.fcgi?FIF=grey-lzw.tif&JTL=\(index % 3),0")
            #expect(through.status == 200, "tile through nginx: \(through.status)")
        }
    }

    @Test func slowlorisIsCutOnBothFrontendsWhileTilesFlow() async throws {
        try await Self.withServer("slowloris") { instance, nginx in
            let fastCGIPort = try #require(instance.fastCGIPort)
            var heads: [RawSocket] = []
            var bodies: [RawSocket] = []
            var params: [RawSocket] = []
            var stdins: [RawSocket] = []
            for _ in 0..<20 {
                let head = try RawSocket(port: instance.httpPort)
                #expect(head.waitConnected(milliseconds: 5000))
                head.send("GET /?FIF=grey-lzw.tif&JTL=0,0 HTTP/1.1\r\nHost: x\r\n")
                heads.append(head)
                let body = try RawSocket(port: instance.httpPort)
                #expect(body.waitConnected(milliseconds: 5000))
                body.send("POST /?FIF=grey-lzw.tif&JTL=0,0 HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\nab")
                bodies.append(body)
                let param = try RawSocket(port: fastCGIPort)
                #expect(param.waitConnected(milliseconds: 5000))
                param.send(FastCGIWire.begin() + FastCGIWire.record(4, FastCGIWire.pairs([("REQUEST_METHOD", "GET")])))
                params.append(param)
                let stdin = try RawSocket(port: fastCGIPort)
                #expect(stdin.waitConnected(milliseconds: 5000))
                let post = FastCGIWire.pairs([("REQUEST_METHOD", "POST"), ("CONTENT_LENGTH", "100000")])
                stdin.send(
                    FastCGIWire.begin() + FastCGIWire.record(4, post) + FastCGIWire.record(4)
                        + FastCGIWire.record(5, [1, 2, 3]))
                stdins.append(stdin)
            }
            // Every slow client keeps dripping (a header line, a body byte, a PARAMS or STDIN record) while a normal
            // client gets its tiles; the drips never complete a request, so only the read deadline can end them.
            let everyone = heads + bodies + params + stdins
            let start = ContinuousClock.now
            var open = everyone
            while !open.isEmpty && ContinuousClock.now - start < Self.cutWithin {
                for socket in heads where !socket.isClosedByPeer { socket.send("X-Slow: 1\r\n") }
                for socket in bodies where !socket.isClosedByPeer { socket.send("c") }
                for socket in params where !socket.isClosedByPeer {
                    socket.send(FastCGIWire.record(4, FastCGIWire.pairs([("HTTP_X_SLOW", "1")])))
                }
                for socket in stdins where !socket.isClosedByPeer { socket.send(FastCGIWire.record(5, [4])) }
                try await Self.expectTilesFlow(instance, nginx, count: 1)
                try await Task.sleep(for: .milliseconds(300))
                open.removeAll { $0.isClosedByPeer }
            }
            #expect(
                open.isEmpty,
                "\(open.count) of \(everyone.count) slow clients were still connected after \(Self.cutWithin)")
            let log = instance.process.output
            #expect(log.contains("Closing an HTTP connection whose request did not arrive in time"))
            #expect(log.contains("Closing a FastCGI connection whose request did not arrive in time"))
            try await Self.expectTilesFlow(instance, nginx)
        }
    }

    @Test func clientsThatNeverReadAreCutAndHoldNoSlot() async throws {
        try await Self.withServer("never-read") { instance, nginx in
            let fastCGIPort = try #require(instance.fastCGIPort)
            // An uncompressed TIFF export of 1500 x 1100 RGB pixels: about 5 MB, far more than the socket buffers.
            let query = "FIF=rgb-deflate-512.tif&WID=1500&CVT=tiff"
            var readers: [RawSocket] = []
            for index in 0..<12 {
                let socket = try RawSocket(port: index % 2 == 0 ? instance.httpPort : fastCGIPort, receiveBuffer: 4096)
                #expect(socket.waitConnected(milliseconds: 5000))
                if index % 2 == 0 {
                    socket.send("GET /?\(query) HTTP/1.1\r\nHost: x\r\n\r\n")
                } else {
                    socket.send(FastCGIWire.get(query: query))
                }
                // One at a time (two slots, no queue): the next is sent once this one's answer started to arrive.
                #expect(socket.waitReadable(milliseconds: 60_000))
                readers.append(socket)
            }
            // Tiles flow while answers stall on their clients: each was rendered and its slot released before the
            // network write, which is all a stalled client holds.
            try await Self.expectTilesFlow(instance, nginx)
            // The server closes each connection; its FIN waits behind the data the client never read, so the log
            // says when, and reading shows the answer cut short.
            let line = "Closing a connection whose client stopped reading its answer"
            let deadline = ContinuousClock.now + Self.cutWithin
            var cut = 0
            while ContinuousClock.now < deadline {
                cut = instance.process.output.components(separatedBy: line).count - 1
                if cut >= readers.count { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(cut == readers.count, "\(cut) of \(readers.count) stalled connections cut after \(Self.cutWithin)")
            for socket in readers {
                let (bytes, closed) = socket.readAll(idleSeconds: 5)
                #expect(closed && bytes.count < 1500 * 1100 * 3, "\(bytes.count) bytes, closed: \(closed)")
            }
            try await Self.expectTilesFlow(instance, nginx)
        }
    }

    @Test func tenThousandIdleConnectionsAreHeldThenClosed() async throws {
        let limit = RawSocket.raiseDescriptorLimit(to: 20_000)
        // The test's own sockets and the server's (it inherits the limit) must both fit, with room for the rest.
        let count = min(10_000, limit - 500)
        try await Self.withServer("idle-connections") { instance, nginx in
            var idle: [RawSocket] = []
            var refused = 0
            for batch in stride(from: 0, to: count, by: 250) {
                let sockets = try (batch..<min(batch + 250, count)).map { _ in try RawSocket(port: instance.httpPort) }
                for socket in sockets where !socket.waitConnected(milliseconds: 10_000) { refused += 1 }
                idle += sockets
            }
            print("idle connections: \(idle.count) HTTP (descriptor limit \(limit), \(refused) not connected)")
            #expect(refused == 0)
            #expect(instance.process.isRunning)
            // The server still answers over HTTP while holding them all.
            let health = try await instance.get("/health")
            #expect(health.status == 200)
            let tile = try await instance.get("/?FIF=grey-lzw.tif&JTL=0,0")
            #expect(tile.status == 200)
            // None of them sent a request: REQUEST_READ_TIMEOUT closes every one, and nothing is left held.
            let open = await RawSocket.waitUntilClosed(idle, timeout: .seconds(60))
            #expect(open == 0, "\(open) idle connections were never closed")
            idle.removeAll()
            try await Self.expectTilesFlow(instance, nginx)
        }
    }

    // MAX_FCGI_CONNECTIONS: past the limit a new FastCGI connection is closed at once (and logged), the ones within it
    // are held, and once they go the places are free again. The read timeout is long here, so that none of the held
    // ones is closed by it while the test counts (on a busy machine, a short one raced the counting).
    @Test func fastCGIConnectionsPastTheLimitAreClosedAtOnce() async throws {
        let changes = ["MAX_FCGI_CONNECTIONS": "64", "REQUEST_READ_TIMEOUT": "120"]
        try await Self.withServer("fastcgi-limit", changing: changes) { instance, nginx in
            let fastCGIPort = try #require(instance.fastCGIPort)
            var sockets = try (0..<100).map { _ in try RawSocket(port: fastCGIPort) }
            for socket in sockets { #expect(socket.waitConnected(milliseconds: 10_000)) }
            let deadline = ContinuousClock.now + .seconds(20)
            var closed = 0
            while closed < 36, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                closed = sockets.filter(\.isClosedByPeer).count
            }
            // The 64 within the limit stay open (the read timeout is two minutes away).
            try await Task.sleep(for: .milliseconds(500))
            closed = sockets.filter(\.isClosedByPeer).count
            #expect(closed == 36, "\(closed) of 100 closed, with room for 64")
            // The log is read from the server's pipe as it comes: wait for the lines, then count them exactly.
            var logged = 0
            let written = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < written {
                logged = instance.process.output.components(separatedBy: "FastCGI connection limit reached").count - 1
                if logged >= 36 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(logged == 36)
            // Their places are given back when they go: nginx's connection gets one.
            sockets.removeAll()
            try await Task.sleep(for: .milliseconds(500))
            try await Self.expectTilesFlow(instance, nginx)
        }
    }

    @Test func pipelinedGarbageEndsOnlyItsOwnConnection() async throws {
        try await Self.withServer("pipelined-garbage") { instance, nginx in
            let fastCGIPort = try #require(instance.fastCGIPort)
            // HTTP: fifty requests in one write, then garbage: the fifty are answered in order, then the connection
            // ends (400 or a close), the server lives.
            let http = try RawSocket(port: instance.httpPort)
            #expect(http.waitConnected(milliseconds: 5000))
            let request = "GET /?FIF=grey-lzw.tif&JTL=0,0 HTTP/1.1\r\nHost: x\r\n\r\n"
            http.send(String(repeating: request, count: 50) + "\u{1}\u{2}GARBAGE \r\n\r\n\u{0}\u{ff}")
            let (bytes, closed) = http.readAll(idleSeconds: 20)
            let text = String(decoding: bytes, as: UTF8.self)
            let answered = text.components(separatedBy: "HTTP/1.1 200").count - 1
            #expect(answered == 50, "\(answered) of 50 pipelined requests answered")
            #expect(closed)
            #expect(!text.contains("HTTP/1.1 5"))
            // FastCGI: a request is answered, then a record of an unknown version and random bytes on the same
            // connection close it after a protocol error.
            let fastCGI = try RawSocket(port: fastCGIPort)
            #expect(fastCGI.waitConnected(milliseconds: 5000))
            var random = TestPattern.Generator(seed: Fixtures.seed)
            let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
            fastCGI.send(FastCGIWire.get(query: "FIF=grey-lzw.tif&JTL=0,0"))
            #expect(fastCGI.waitReadable(milliseconds: 20_000))
            try await Task.sleep(for: .milliseconds(500))
            fastCGI.send([9, 9, 9, 9, 9, 9, 9, 9] + garbage)
            let (answer, ended) = fastCGI.readAll(idleSeconds: 20)
            #expect(String(decoding: answer, as: UTF8.self).contains("Status: 200"))
            #expect(ended)
            #expect(instance.process.output.contains("Closing FastCGI connection after a protocol error"))
            try await Self.expectTilesFlow(instance, nginx)
        }
    }
}
