import Foundation
import IIPTestSupport
import Testing

/// Issue 12, item 5: two instances of the built executable, two memcached servers and nginx with the many-instances
/// example, all on loopback (``ScaleOutCluster``). What one instance renders the other serves from memcached; a
/// replaced image changes both instances' answers; a memcached killed under load, an instance killed under load and
/// an instance stopped under load fail no request nginx could send elsewhere.
@Suite("Scale-out: two instances, two memcached, nginx", .serialized)
struct ScaleOutTests {
    init() throws { try StandardFixtures.prepare() }

    static let endpoint = "/fcgi-bin/iipsrv.fcgi"

    /// Full-resolution tiles of `image` (tiles 0..<count of resolution `resolution`) at each JPEG quality: a quality
    /// other than the stored one makes every tile a decode and an encode, and a distinct cache key.
    static func tiles(_ image: FixtureSpec, resolution: Int, count: Int, qualities: some Sequence<Int>) -> [String] {
        qualities.flatMap { quality in
            (0..<count).map { "\(endpoint)?FIF=\(image.name)&QLT=\(quality)&JTL=\(resolution),\($0)" }
        }
    }

    /// Enough distinct tiles that most requests of a few seconds' load are rendered, not found in a cache.
    static let uncachedLoad =
        tiles(StandardFixtures.rgbDeflate512, resolution: 2, count: 9, qualities: 40..<100)
        + tiles(StandardFixtures.rgbJPEG, resolution: 2, count: 12, qualities: 40..<100)

    static let memcachedHits = "iip_memcached_hits_total"
    static let memcachedMisses = "iip_memcached_misses_total"
    static let memcachedStores = "iip_memcached_stores_total"

    /// Polls `metric` until it reaches `count`, for up to `timeout`, and returns its last value. For memcached
    /// stores (sent in the background, after the answer) and for load: on a busy machine wrk runs slower, so the
    /// tests wait for requests answered, not for time.
    static func waitUntil(
        _ count: Double, timeout: Duration = .seconds(5), of metric: () async throws -> Double
    ) async throws -> Double {
        let deadline = ContinuousClock.now + timeout
        var value = try await metric()
        while value < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            value = try await metric()
        }
        return value
    }

    static let requests = "iip_requests_admitted_total"

    @Test func aTileRenderedByAIsServedByBFromMemcached() async throws {
        try await ScaleOutCluster.with { cluster in
            let targets = Self.tiles(StandardFixtures.rgbJPEG, resolution: 2, count: 6, qualities: [80])
            let storesBefore = try await cluster.a.metric(Self.memcachedStores)
            // Both asked as nginx would ask them, for the same host: the entity tag covers it (IIIF ids name it).
            let host = [("Host", "images.example")]
            var rendered: [TestHTTPResponse] = []
            for target in targets {
                let answer = try await cluster.a.get(target, headers: host)
                #expect(answer.status == 200 && answer.header("ETag") != nil, "\(target)")
                rendered.append(answer)
            }
            let expected = storesBefore + Double(targets.count)
            #expect(
                try await Self.waitUntil(expected) { try await cluster.a.metric(Self.memcachedStores) } == expected)

            let localMiss = "iip_tile_cache_lookups_total{result=\"miss\"}"
            let (hits, misses, localMisses) = (
                try await cluster.b.metric(Self.memcachedHits), try await cluster.b.metric(Self.memcachedMisses),
                try await cluster.b.metric(localMiss)
            )
            for (target, fromA) in zip(targets, rendered) {
                let answer = try await cluster.b.get(target, headers: host)
                #expect(answer.status == 200 && answer.body == fromA.body, "\(target)")
                // The same entity tag, so a browser or CDN revalidating with either instance gets 304.
                #expect(answer.header("ETag") == fromA.header("ETag"), "\(target)")
            }
            // B rendered nothing: each of its tile cache misses was answered by memcached, none went on to a render.
            // (iip_decoded_tile_cache_lookups_total could not show it: only region exports use that cache.)
            #expect(try await cluster.b.metric(localMiss) - localMisses == Double(targets.count))
            #expect(try await cluster.b.metric(Self.memcachedHits) - hits == Double(targets.count))
            #expect(try await cluster.b.metric(Self.memcachedMisses) == misses)
        }
    }

    // iipsrv's issue #135, across instances.
    @Test func aReplacedImageChangesBothInstancesAnswers() async throws {
        let name = "scale-out-\(UUID().uuidString.prefix(8)).tif"
        let path = Fixtures.path(name)
        try FileManager.default.copyItem(atPath: Fixtures.path(StandardFixtures.rgbJPEG.name), toPath: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Re-encoded tiles: a tile sent as stored is read from the file, never from memcached.
        let targets = ["\(Self.endpoint)?FIF=\(name)&QLT=85&JTL=1,0", "\(Self.endpoint)?FIF=\(name)&QLT=60&JTL=2,1"]
        try await ScaleOutCluster.with { cluster in
            var old: [[UInt8]] = []
            for target in targets { old.append(try await cluster.a.get(target).body) }
            let stores = Double(targets.count)
            #expect(try await Self.waitUntil(stores) { try await cluster.a.metric(Self.memcachedStores) } == stores)
            for (target, body) in zip(targets, old) { #expect(try await cluster.b.get(target).body == body) }
            #expect(try await cluster.b.metric(Self.memcachedHits) == stores, "B served the old tiles from memcached")

            // Written under another name, then renamed over the original, with a modification time of its own.
            let modified = try #require(
                try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
            try FileManager.default.copyItem(
                atPath: Fixtures.path(StandardFixtures.rgbDeflate512.name), toPath: path + ".new")
            try FileManager.default.setAttributes(
                [.modificationDate: modified.addingTimeInterval(10)], ofItemAtPath: path + ".new")
            #expect(rename(path + ".new", path) == 0)

            let fresh = try await TestServer.with { server in
                var bodies: [[UInt8]] = []
                for target in targets { bodies.append(try await server.get(target).body) }
                return bodies
            }
            for instance in [cluster.a, cluster.b] {
                for (index, target) in targets.enumerated() {
                    let answer = try await instance.get(target)
                    #expect(answer.status == 200, "\(instance.name) \(target)")
                    #expect(answer.body == fresh[index], "\(instance.name) \(target)")
                    #expect(answer.body != old[index], "\(instance.name) \(target)")
                }
            }
        }
    }

    @Test func killingOneMemcachedUnderLoadChangesOnlyTheMetrics() async throws {
        // No local tile cache: every request asks memcached, so its loss shows on every instance.
        try await ScaleOutCluster.with(environment: ["MAX_IMAGE_CACHE_SIZE": "0"]) { cluster in
            let targets = Self.tiles(StandardFixtures.rgbJPEG, resolution: 2, count: 12, qualities: [70, 80])
            for target in targets { #expect(try await cluster.nginx.get(target).status == 200, "\(target)") }
            let stores = Double(targets.count)
            #expect(try await Self.waitUntil(stores) { try await cluster.metric(Self.memcachedStores) } == stores)
            var items = 0
            for server in cluster.memcached { items += try await server.stats()["curr_items"] ?? 0 }
            #expect(items == targets.count)
            let misses = try await cluster.metric(Self.memcachedMisses)

            let load = try cluster.load(targets)
            try await Task.sleep(for: .milliseconds(1500))
            let (missesAtKill, hitsAtKill) = (
                try await cluster.metric(Self.memcachedMisses), try await cluster.metric(Self.memcachedHits)
            )
            await cluster.memcached[0].kill()
            try await Task.sleep(for: .seconds(2))
            let outcome = try await load.stop()
            print("memcached killed under load: \(outcome)")
            #expect(outcome.requests > 0)
            #expect(outcome.failed == 0, "\(outcome)\n\(cluster.nginx.errorLog.suffix(2000))")
            // Before the kill every tile was in memcached; after it, the killed server's share became misses while
            // the other server kept answering its own.
            #expect(missesAtKill == misses)
            #expect(try await cluster.metric(Self.memcachedMisses) > missesAtKill)
            #expect(try await cluster.metric(Self.memcachedHits) > hitsAtKill)
        }
    }

    @Test(arguments: ClusterInstance.Transport.allCases)
    func sigkillOnAnInstanceUnderLoadFailsOnlyCutOffResponses(_ transport: ClusterInstance.Transport) async throws {
        try await ScaleOutCluster.with(transport: transport) { cluster in
            // Some thousand requests before the kill, two thousand more after it.
            let load = try cluster.load(Self.uncachedLoad, connections: 32)
            _ = try await Self.waitUntil(1000, timeout: .seconds(30)) { try await cluster.metric(Self.requests) }
            let servedByA = try await cluster.a.metric(Self.requests)
            let servedByB = try await cluster.b.metric(Self.requests)
            cluster.a.process.signal(SIGKILL)
            #expect(await cluster.a.process.waitForExit(timeout: .seconds(5)) == 128 + SIGKILL)
            _ = try await Self.waitUntil(servedByB + 2000, timeout: .seconds(30)) {
                try await cluster.b.metric(Self.requests)
            }
            let outcome = try await load.stop()
            let log = cluster.nginx.errorLog
            let retried = log.split(separator: "\n").count { $0.contains("while reading response header") }
            print(
                "SIGKILL on instance A under load (\(transport)): \(outcome); A had answered \(Int(servedByA)); nginx logged "
                    + "\(retried) errors reading a response header (retried on B)")
            #expect(servedByA > 0, "A was serving its share when it was killed")
            #expect(try await cluster.b.metric(Self.requests) > servedByB, "B took over")
            // Only an answer A had begun to send cannot be retried: nginx cuts the client's connection (a read error).
            #expect(outcome.failed <= 2, "\(outcome)\n\(log.suffix(3000))")
        }
    }

    @Test(arguments: ClusterInstance.Transport.allCases)
    func sigtermOnAnInstanceUnderLoadDrainsWithoutAFailedRequest(_ transport: ClusterInstance.Transport) async throws {
        try await ScaleOutCluster.with(transport: transport) { cluster in
            // An export after every ten tiles: requests that take a while are in flight whenever the drain starts, so
            // it lasts long enough for /ready to be asked.
            let mixed = Self.uncachedLoad.enumerated().flatMap { index, tile in
                let width = 800 + index / 10 % 30 * 20
                let export = "\(Self.endpoint)?FIF=\(StandardFixtures.rgbDeflate512.name)&WID=\(width)&CVT=jpeg"
                return index % 10 == 0 ? [tile, export] : [tile]
            }
            let load = try cluster.load(mixed, connections: 32)
            _ = try await Self.waitUntil(500, timeout: .seconds(30)) { try await cluster.metric(Self.requests) }
            let servedByB = try await cluster.b.metric(Self.requests)
            let sent = ContinuousClock.now
            cluster.a.process.signal(SIGTERM)
            var readiness: [Int] = []
            while cluster.a.process.isRunning, ContinuousClock.now - sent < .seconds(20) {
                if let ready = try? await cluster.a.get("/ready") { readiness.append(ready.status) }
                try await Task.sleep(for: .milliseconds(5))
            }
            let status = await cluster.a.process.waitForExit(timeout: .seconds(20))
            let elapsed = ContinuousClock.now - sent
            _ = try await Self.waitUntil(servedByB + 500, timeout: .seconds(30)) {
                try await cluster.b.metric(Self.requests)
            }
            let outcome = try await load.stop()
            print(
                "SIGTERM on instance A under load (\(transport)): exit \(status.map(String.init) ?? "none") after \(elapsed); "
                    + "\(outcome); A's /ready during the drain: \(readiness.count { $0 == 503 }) x 503, \(readiness.count { $0 == 200 }) x 200"
            )
            #expect(status == 0, "\(cluster.a.process.output.suffix(2000))")
            #expect(outcome.requests > 0)
            #expect(outcome.failed == 0, "\(outcome)\n\(cluster.nginx.errorLog.suffix(3000))")
            // 503 from the first answer after the signal was handled, until the process was gone.
            let draining = readiness.drop { $0 == 200 }
            #expect(!draining.isEmpty && draining.allSatisfy { $0 == 503 }, "\(readiness)")
        }
    }

    // The README's procedure under load: A is removed (its server line out, nginx -s reload, then SIGTERM) and C added
    // (started, ready, its server line in, reload), with no failed request. The clients close their connections
    // after each answer: a reload closes nginx's idle keep-alive connections to clients, and a request sent on one
    // at that moment sees the connection close (wrk counts a read error, a browser sends the request again). That is
    // nginx and its clients, not the instances this test is about.
    @Test func replacingAnInstanceUnderLoadFailsNoRequest() async throws {
        try await ScaleOutCluster.with { cluster in
            let load = try cluster.load(Self.uncachedLoad, headers: ["Connection: close"])
            try await Task.sleep(for: .seconds(1))
            try await cluster.nginx.reload(instances: [cluster.b.upstream])
            cluster.a.process.signal(SIGTERM)
            #expect(await cluster.a.process.waitForExit(timeout: .seconds(20)) == 0)
            let c = try await cluster.startInstance(name: "C")
            #expect(try await c.get("/ready").status == 200)
            try await cluster.nginx.reload(instances: [c.upstream, cluster.b.upstream])
            var servedByC = try await c.metric(Self.requests)
            for _ in 0..<100 where servedByC == 0 {
                try await Task.sleep(for: .milliseconds(100))
                servedByC = try await c.metric(Self.requests)
            }
            try await Task.sleep(for: .seconds(1))
            let outcome = try await load.stop()
            await c.process.stop()
            print(
                "A removed and C added under load, through two nginx reloads: \(outcome); C answered \(Int(servedByC))")
            #expect(outcome.requests > 0)
            #expect(outcome.failed == 0, "\(outcome)\n\(cluster.nginx.errorLog.suffix(3000))")
            #expect(servedByC > 0, "C took a share once nginx knew it")
        }
    }
}
