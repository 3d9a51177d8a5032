import Foundation
import IIPPipeline
import IIPTestSupport
import Logging
import NIOCore
import Testing

/// The memcached tile cache (issue 12, item 1; iipsrv-reference §8.3) between two servers and two real memcached
/// processes: what one server renders the other serves from memcached; a replaced file is never served stale; a
/// value that is not ours is a miss; values over the item limit are not sent; memcached going away costs nothing
/// but misses.
@Suite("memcached shared tile cache", .serialized)
struct SharedCacheTests {
    init() throws { try StandardFixtures.prepare() }

    static let image = StandardFixtures.rgbJPEG.name
    static let targets =
        (0..<6).map { "/?FIF=\(image)&QLT=80&JTL=2,\($0)" } + [
            "/iiif/\(image)/0,0,512,512/256,/0/default.png", "/deepzoom/\(image)_files/10/1_1.webp",
        ]

    static func configuration(_ servers: [MemcachedServer], _ update: (inout ServerConfiguration) -> Void = { _ in })
        -> ServerConfiguration
    {
        TestServer.configuration {
            $0.memcachedServers = servers.map(\.address).joined(separator: ",")
            // A busy test machine can hold a call for more than the 50 ms default, which would rightly mark a server
            // down; the tests of sharing want it up (the outage tests set their own timeout).
            $0.memcachedIOTimeout = 2000
            $0.fileCheckInterval = 0
            update(&$0)
        }
    }

    static func hits(_ servers: [MemcachedServer]) async throws -> Int {
        var total = 0
        for server in servers { total += try await server.stats()["get_hits"] ?? 0 }
        return total
    }

    @Test func whatOneServerRendersTheOtherServesFromMemcached() async throws {
        let memcached = [try await MemcachedServer.start(), try await MemcachedServer.start()]
        let configuration = Self.configuration(memcached)
        try await TestServer.with(configuration) { a in
            try await TestServer.with(configuration) { b in
                var first: [[UInt8]] = []
                for target in Self.targets {
                    let answer = try await a.get(target)
                    #expect(answer.status == 200, "\(target)")
                    first.append(answer.body)
                }
                // Stores are sent in the background: wait until memcached holds them all.
                let deadline = ContinuousClock.now + .seconds(10)
                var stored = 0
                while true {
                    stored = 0
                    for server in memcached { stored += try await server.stats()["curr_items"] ?? 0 }
                    if stored >= Self.targets.count || ContinuousClock.now >= deadline { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(stored == Self.targets.count)
                // Consistent hashing places each key on one server or the other. Eight keys whose names hold a random
                // folder can all land on one server (ketama's split of two servers is uneven: a CI run saw it), so
                // only the total is checked; how the keys spread is printed.
                let spread = [
                    try await memcached[0].stats()["curr_items"] ?? 0,
                    try await memcached[1].stats()["curr_items"] ?? 0,
                ]
                print("memcached: keys per server \(spread)")
                let before = try await Self.hits(memcached)
                for (target, body) in zip(Self.targets, first) {
                    #expect(try await b.get(target).body == body, "\(target)")
                }
                #expect(try await Self.hits(memcached) - before == Self.targets.count, "every tile came from memcached")
                // B's own tile cache now answers: memcached is not asked again.
                for target in Self.targets { _ = try await b.get(target) }
                #expect(try await Self.hits(memcached) - before == Self.targets.count)
            }
        }
        for server in memcached { await server.stop() }
    }

    // A tile sent as stored (codec pass-through) is read from the file, which is cheaper than asking memcached:
    // it is neither looked up there nor sent there; a tile that must be decoded is.
    @Test func storedTilesSkipMemcached() async throws {
        let memcached = [try await MemcachedServer.start()]
        try await TestServer.with(Self.configuration(memcached)) { server in
            for tile in 0..<4 {
                #expect(try await server.get("/?FIF=\(Self.image)&JTL=2,\(tile)").status == 200)
            }
            try await Task.sleep(for: .milliseconds(200))
            let stats = try await memcached[0].stats()
            #expect(stats["cmd_get"] == 0 && stats["curr_items"] == 0)
            for tile in 0..<4 {
                #expect(try await server.get("/?FIF=\(Self.image)&QLT=81&JTL=2,\(tile)").status == 200)
            }
            #expect(try await memcached[0].items(until: { $0 >= 4 }) == 4)
            #expect(try await memcached[0].stats()["cmd_get"] == 4)
        }
        for server in memcached { await server.stop() }
    }

    // iipsrv's issue #135: a replaced image must not be served from memcached.
    @Test func aReplacedFileIsNeverServedStale() async throws {
        let memcached = [try await MemcachedServer.start()]
        let name = "shared-replaced.tif"
        let path = Fixtures.path(name)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: Fixtures.path(Self.image), toPath: path)
        let configuration = Self.configuration(memcached)
        try await TestServer.with(configuration) { a in
            try await TestServer.with(configuration) { b in
                // A quality other than the file's own: the tile is made, so it is stored (a tile passed through as
                // stored is not).
                let target = "/?FIF=\(name)&QLT=80&JTL=1,0"
                let old = try await a.get(target).body
                #expect(try await memcached[0].items(until: { $0 >= 1 }) == 1)
                let hits = try await Self.hits(memcached)
                #expect(try await b.get(target).body == old)
                #expect(try await Self.hits(memcached) == hits + 1, "B had the old tile from memcached")
                try FileManager.default.copyItem(
                    atPath: Fixtures.path(StandardFixtures.rgbDeflate512.name), toPath: path + ".new")
                #expect(rename(path + ".new", path) == 0)
                let fromA = try await a.get(target)
                let fromB = try await b.get(target)
                #expect(fromA.status == 200 && fromA.body != old)
                #expect(fromB.body == fromA.body)
            }
        }
        for server in memcached { await server.stop() }
    }

    @Test func foreignValuesAndOversizedTilesAreMisses() async throws {
        let memcached = [try await MemcachedServer.start()]
        // Something else writes under a key: a miss, not a wrong tile. (The cache itself, over the real memcached.)
        let client = try #require(
            MemcachedClient(servers: memcached[0].address, expiry: 60, timeoutMilliseconds: 200, clients: 2))
        let shared = SharedTileCache(
            client: client, threads: 2, fingerprint: "test", timeout: .milliseconds(200), retryInterval: .seconds(1),
            maxItemBytes: 1 << 20, logger: Logger(label: "test"))
        let key = TileKey(imagePath: "a.tif", modified: 1, resolution: 0, tile: 0, format: .jpeg, quality: 75)
        shared.store(ByteBuffer(bytes: [1, 2, 3]), for: key)
        var found: ByteBuffer?
        for _ in 0..<100 where found == nil {
            found = await shared.tile(for: key)
            if found == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(found.map { Array(buffer: $0) } == [1, 2, 3])
        #expect(client.set(shared.memcachedKey(key), Array("not a tile".utf8)) == .stored)
        #expect(await shared.tile(for: key) == nil)
        var truncated = SharedTileCache.framed([1, 2, 3, 4])
        truncated.removeLast()
        #expect(client.set(shared.memcachedKey(key), truncated) == .stored)
        #expect(await shared.tile(for: key) == nil)
        await shared.shutdown()
        // MEMCACHED_MAX_ITEM below a tile's size: nothing is sent, every answer is right.
        let small = [try await MemcachedServer.start()]
        try await TestServer.with(Self.configuration(small) { $0.memcachedMaxItem = 100 }) { server in
            for target in Self.targets { #expect(try await server.get(target).status == 200) }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await small[0].stats()["curr_items"] == 0)
        }
        for server in memcached + small { await server.stop() }
    }

    // A memcached killed mid-way, or never there, costs misses only: every answer is 200 and right.
    @Test func memcachedGoingAwayChangesNothingVisible() async throws {
        let memcached = [try await MemcachedServer.start(), try await MemcachedServer.start()]
        let configuration = Self.configuration(memcached)
        let reference = try await TestServer.with(TestServer.configuration()) { server in
            var bodies: [[UInt8]] = []
            for target in Self.targets { bodies.append(try await server.get(target).body) }
            return bodies
        }
        try await TestServer.with(configuration) { a in
            for (target, body) in zip(Self.targets.prefix(3), reference) {
                #expect(try await a.get(target).body == body)
            }
            await memcached[0].kill()
            for (target, body) in zip(Self.targets, reference) {
                let answer = try await a.get(target)
                #expect(answer.status == 200 && answer.body == body, "\(target)")
            }
            await memcached[1].kill()
            try await TestServer.with(configuration) { b in
                for (target, body) in zip(Self.targets, reference) {
                    let answer = try await b.get(target)
                    #expect(answer.body == body, "\(target) with no memcached at all")
                }
            }
        }
        // A server list where nothing listens.
        let port = try TestEnvironment.freePort()
        let nowhere = TestServer.configuration { $0.memcachedServers = "127.0.0.1:\(port)" }
        try await TestServer.with(nowhere) { server in
            for (target, body) in zip(Self.targets, reference) {
                let answer = try await server.get(target)
                #expect(answer.body == body)
            }
        }
    }

    /// The `index`th of the full-resolution level's 12 tiles at JPEG quality `quality` and up: a tile no earlier
    /// request asked for.
    static func freshTile(_ index: Int, quality: Int) -> String {
        "/?FIF=\(image)&QLT=\(quality + index / 12)&JTL=2,\(index % 12)"
    }

    static func statistics(_ server: TestServer) throws -> SharedCacheStatistics {
        try #require(server.pipeline.sharedTiles).statistics
    }

    /// Waits until the pipeline's memcached servers are all marked up again (the background probe), at most 20 s.
    static func waitUntilAllUp(_ server: TestServer) async throws -> Bool {
        let health = try #require(server.pipeline.sharedTiles).health
        for _ in 0..<200 {
            if health.downServers.isEmpty { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    // The worst outage: a server that accepts connections and never answers (SIGSTOP). The first request whose key
    // goes there waits at most MEMCACHED_IO_TIMEOUT, which marks the server down for every request; no later
    // request waits on it, its keys go to the other server, and when it answers again the background probe brings
    // it back by itself.
    @Test func aStalledServerCostsOneTimeoutThenNothingAndComesBack() async throws {
        let memcached = [try await MemcachedServer.start(), try await MemcachedServer.start()]
        let timeout = 1000
        let configuration = Self.configuration(memcached) {
            $0.memcachedIOTimeout = timeout
            $0.memcachedRetryInterval = 1
        }
        let reference = try await TestServer.with(TestServer.configuration()) { server in
            var bodies: [[UInt8]] = []
            for target in Self.targets { bodies.append(try await server.get(target).body) }
            return bodies
        }
        memcached[0].pause()
        try await TestServer.with(configuration) { server in
            let statistics = try Self.statistics(server)
            let health = try #require(server.pipeline.sharedTiles).health
            for (target, body) in zip(Self.targets, reference) {
                let answer = try await server.get(target)
                #expect(answer.status == 200 && answer.body == body, "\(target)")
            }
            // More tiles until one's key goes to the stalled server: that lookup gives up in time and marks it down.
            for tile in 0..<64 where health.downServers.isEmpty {
                #expect(try await server.get(Self.freshTile(tile, quality: 30)).status == 200)
            }
            #expect(health.downServers == [0])
            #expect(statistics.count(.abandoned) + statistics.count(.failed) >= 1)
            #expect(statistics.longestWait < .milliseconds(timeout) + .seconds(1))
            // From now on nothing waits on it: new tiles cost no failure and no abandoned lookup, and go to the
            // server that answers. (Calls sent before it was marked down, stores among them, end within the
            // timeout: let them.)
            try await Task.sleep(for: .milliseconds(3 * timeout))
            let (abandoned, failed) = (statistics.count(.abandoned), statistics.count(.failed))
            let before = try await memcached[1].stats()["curr_items"] ?? 0
            for tile in 0..<12 {
                let answer = try await server.get(Self.freshTile(tile, quality: 50))
                #expect(
                    answer.status == 200, "\(answer.status) \(String(decoding: answer.body.prefix(200), as: UTF8.self))"
                )
            }
            #expect(statistics.count(.abandoned) == abandoned && statistics.count(.failed) == failed)
            // Every tile sent went to the server that answers (stores dropped when too many wait are counted).
            let held = try await memcached[1].items(until: { $0 >= before + 12 - statistics.count(.dropped) })
            let sent = 12 - statistics.count(.dropped)
            #expect(sent > 0)
            #expect(held >= before + sent)
            memcached[0].resume()
            #expect(try await Self.waitUntilAllUp(server), "the probe finds the server answering again")
            // Back in the ring: new tiles are stored on both servers again.
            for tile in 0..<24 { #expect(try await server.get(Self.freshTile(tile, quality: 60)).status == 200) }
            #expect(try await memcached[0].items(until: { $0 > 0 }) > 0)
        }
        for server in memcached { await server.stop() }
    }

    // A crashed memcached restarted on its port comes back by itself; a port that answers something else than
    // memcached (an HTTP server) is a failed server, never a wrong tile.
    @Test func aRestartedServerComesBackAndAForeignOneIsLeftOut() async throws {
        let first = try await MemcachedServer.start()
        let port = first.port
        let configuration = Self.configuration([first]) { $0.memcachedRetryInterval = 1 }
        try await TestServer.with(configuration) { server in
            let statistics = try Self.statistics(server)
            #expect(try await server.get(Self.targets[0]).status == 200)
            await first.kill()
            #expect(try await server.get(Self.targets[1]).status == 200)
            #expect(try await server.get(Self.targets[2]).status == 200)
            #expect(statistics.count(.failed) >= 1)
            #expect(try #require(server.pipeline.sharedTiles).health.allDown)
            let restarted = try await MemcachedServer.start(port: port)
            #expect(try await Self.waitUntilAllUp(server))
            for target in Self.targets.suffix(3) { #expect(try await server.get(target).status == 200) }
            #expect(try await restarted.items(until: { $0 >= 3 }) >= 3)
            await restarted.stop()
        }
        let reference = try await TestServer.with(TestServer.configuration()) { server in
            try await server.get(Self.targets[0]).body
        }
        try await TestServer.with(TestServer.configuration()) { other in
            let foreign = TestServer.configuration { $0.memcachedServers = "127.0.0.1:\(other.port)" }
            try await TestServer.with(foreign) { server in
                let statistics = try Self.statistics(server)
                for _ in 0..<3 {
                    let answer = try await server.get(Self.targets[0])
                    #expect(answer.status == 200 && answer.body == reference)
                }
                #expect(statistics.count(.failed) + statistics.count(.abandoned) >= 1)
                #expect(statistics.count(.hit) == 0)
            }
        }
    }
}
