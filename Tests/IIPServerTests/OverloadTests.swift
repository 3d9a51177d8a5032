import Foundation
import IIPTestSupport
import Testing

/// Issue 14, item 5: a flood of region exports next to tile traffic, on the real executable. Exports are bounded
/// apart from the pipeline's admission (MAX_EXPORTS_IN_FLIGHT running, MAX_EXPORTS_QUEUED waiting); the rest get 503
/// with `Retry-After` at once, so exports hold at most those two of the request slots and tiles keep the others.
/// iipsrv has no such bound: one request at a time per process (iipsrv-reference §1.5), so a flood of CVT exports
/// (§5) queues in the web server in front of it, tiles behind them.
@Suite("Overload", .serialized)
struct OverloadTests {
    init() throws { try StandardFixtures.prepare() }

    /// A slow export: the 1500 x 1100 fixture up-scaled to 4000 pixels wide and written as PNG (§5.1: WID below
    /// MAX_CVT, upscaling allowed by default), a second or more of codec work each on one thread.
    static let export = "/?FIF=big.tif&WID=4000&CVT=png"
    /// Tiles of the two largest levels, 512-pixel deflate tiles decoded and encoded again: the first pass puts
    /// them in the tile cache, the rest of the pyramid's tiles are decoded under the flood.
    static let warmTiles = (0..<6).map { "/?FIF=big.tif&JTL=2,\($0)" }
    static let coldTiles = (0..<6).map { "/?FIF=big.tif&JTL=1,\($0 % 4)&QLT=\(60 + $0)" }

    // Eight exports at once with one running and one waiting: the other six are refused at once (503, Retry-After,
    // the same body as every busy answer) and counted apart; tiles asked for meanwhile answer 200, the two
    // admitted exports finish with 200, and afterwards every request answers 200 again.
    @Test func exportsPastTheirBoundAnswer503AndTilesKeepFlowing() async throws {
        try await FaultInjectionTests.withServer(
            "overload", files: ["big.tif": "rgb-deflate-512.tif"],
            environment: [
                "MAX_REQUESTS_IN_FLIGHT": "4", "MAX_REQUESTS_QUEUED": "4", "MAX_EXPORTS_IN_FLIGHT": "1",
                "MAX_EXPORTS_QUEUED": "1", "OMP_NUM_THREADS": "2", "MAX_IMAGE_CACHE_SIZE": "10",
                "FILE_CHECK_INTERVAL": "3600",
            ]
        ) { instance, _ in
            for tile in Self.warmTiles { #expect(try await instance.get(tile).status == 200) }

            let flood = 8
            let (answers, input) = AsyncStream.makeStream(of: TestHTTPResponse?.self)
            let senders = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<flood { group.addTask { input.yield(try? await instance.get(Self.export)) } }
                }
                input.finish()
            }
            // Eight exports fit the request bound (4 running, 4 waiting), so none is refused there; the export
            // bound admits two and refuses the others without waiting for the codec threads.
            var received: [TestHTTPResponse?] = []
            var iterator = answers.makeAsyncIterator()
            while received.count < flood - 2, let answer = await iterator.next() { received.append(answer) }
            let exportsHeld = try await instance.metric("iip_exports_in_flight")

            // Now at most two exports hold a request slot: tiles, cached and decoded, go through.
            var tileStatuses: [Int] = []
            for tile in Self.warmTiles + Self.coldTiles { tileStatuses.append(try await instance.get(tile).status) }
            while let answer = await iterator.next() { received.append(answer) }
            await senders.value

            #expect(received.count == flood)
            let exports = received.compactMap { $0 }
            #expect(exports.count == flood, "\(flood - exports.count) exports got no answer")
            let refused = exports.filter { $0.status == 503 }
            let served = exports.filter { $0.status == 200 }
            print(
                "overload: exports \(served.count) served, \(refused.count) refused; "
                    + "\(Int(exportsHeld)) running while the tiles were asked for; tiles \(tileStatuses)")
            #expect(refused.count + served.count == flood, "\(exports.map(\.status))")
            #expect(served.count >= 2, "the running and the queued export are answered")
            #expect(!refused.isEmpty, "no export was refused: the export queue is not bounded")
            #expect(tileStatuses.allSatisfy { $0 == 200 }, "\(tileStatuses)")
            // The busy answer every protocol gets (ResponseFactory.unavailable).
            for answer in refused {
                #expect(answer.header("Retry-After") == "1")
                #expect(answer.text == "server busy, try again")
            }
            // Every refusal was the export bound's, none the request bound's.
            #expect(try await instance.metric("iip_exports_rejected_total") == Double(refused.count))
            #expect(try await instance.metric("iip_requests_rejected_total") == 0)
            #expect(try await instance.metric("iip_exports_queued") == 0)
            #expect(try await instance.metric("iip_exports_in_flight") == 0)
            #expect(instance.process.output.contains("server busy: exports answered 503"))

            // After the flood: exports and tiles answer 200 again.
            for _ in 0..<3 { #expect(try await instance.get(Self.export).status == 200) }
            for tile in Self.coldTiles { #expect(try await instance.get(tile).status == 200) }
        }
    }
}
