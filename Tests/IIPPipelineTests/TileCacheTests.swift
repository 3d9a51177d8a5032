import IIPModel
import NIOCore
import Testing

@testable import IIPPipeline

/// The encoded-tile cache: LRU by bytes with single-flight production.
@Suite struct TileCacheTests {
    struct Failure: Error, Equatable {}

    static func key(_ tile: Int, path: String = "images/a.tif") -> TileKey {
        TileKey(
            imagePath: path, modified: 1_700_000_000_000_000_000, resolution: 3, tile: tile, format: .jpeg,
            quality: 75)
    }

    static func bytes(_ count: Int, _ value: UInt8 = 7) -> ByteBuffer {
        ByteBuffer(bytes: [UInt8](repeating: value, count: count))
    }

    @Test func missThenHit() async throws {
        let cache = TileCache(budgetBytes: 1_000_000)
        let produced = CallCounter()
        let first = try await cache.tile(for: Self.key(0)) {
            produced.increment()
            return Self.bytes(100)
        }
        #expect(first.outcome == .miss)
        #expect(first.bytes == Self.bytes(100))
        let second = try await cache.tile(for: Self.key(0)) {
            produced.increment()
            return Self.bytes(1)
        }
        #expect(second.outcome == .hit)
        #expect(second.bytes == Self.bytes(100))
        #expect(produced.count == 1)
        #expect(await cache.cached(Self.key(0)) == Self.bytes(100))
        #expect(await cache.cached(Self.key(1)) == nil)
    }

    // iipsrv-reference §8.1: the accounted size is the data plus the key and a fixed overhead
    @Test func usageCountsDataAndKeyOverhead() async throws {
        let cache = TileCache(budgetBytes: 1_000_000)
        _ = try await cache.tile(for: Self.key(0)) { Self.bytes(100) }
        _ = try await cache.tile(for: Self.key(1, path: "b.tif")) { Self.bytes(50) }
        let usage = await cache.usage
        #expect(usage.entries == 2)
        #expect(usage.bytes == (100 + "images/a.tif".utf8.count + 96) + (50 + "b.tif".utf8.count + 96))
    }

    @Test func keysDifferByEveryField() async throws {
        let cache = TileCache(budgetBytes: 1_000_000)
        var keys = [Self.key(0)]
        var changed = Self.key(0)
        changed.quality = 90
        keys.append(changed)
        changed = Self.key(0)
        changed.format = .png
        keys.append(changed)
        changed = Self.key(0)
        changed.modified += 1
        keys.append(changed)
        changed = Self.key(0)
        changed.processing.invert = true
        keys.append(changed)
        for (index, key) in keys.enumerated() {
            let result = try await cache.tile(for: key) { Self.bytes(10, UInt8(index)) }
            #expect(result.outcome == .miss)
            #expect(result.bytes == Self.bytes(10, UInt8(index)))
        }
    }

    // iipsrv-reference §8.1: least recently used first out, within the byte budget
    @Test func evictsLeastRecentlyUsed() async throws {
        let overhead = "images/a.tif".utf8.count + 96
        let cache = TileCache(budgetBytes: 2 * (100 + overhead))
        for tile in 0..<2 { _ = try await cache.tile(for: Self.key(tile)) { Self.bytes(100) } }
        _ = await cache.cached(Self.key(0))  // touch 0: 1 is now the oldest
        _ = try await cache.tile(for: Self.key(2)) { Self.bytes(100) }
        #expect(await cache.cached(Self.key(1)) == nil)
        #expect(await cache.cached(Self.key(0)) != nil)
        #expect(await cache.cached(Self.key(2)) != nil)
        #expect(await cache.usage.entries == 2)
    }

    // swift-notes §4.4: 50 concurrent misses for one key run `produce` once
    @Test(arguments: [1_000_000, 0])
    func concurrentMissesProduceOnce(budget: Int) async throws {
        let cache = TileCache(budgetBytes: budget)
        let produced = CallCounter()
        let gate = Gate()
        let outcomes = try await withThrowingTaskGroup(of: TileCache.Outcome.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let result = try await cache.tile(for: Self.key(9)) {
                        produced.increment()
                        await gate.pass("produce")
                        return Self.bytes(64, 9)
                    }
                    #expect(result.bytes == Self.bytes(64, 9))
                    return result.outcome
                }
            }
            // Hold production until every caller has joined it.
            await eventually("49 callers joined") { await cache.production(of: Self.key(9)).joined == 49 }
            await gate.open()
            return try await group.reduce(into: [TileCache.Outcome]()) { $0.append($1) }
        }
        #expect(produced.count == 1)
        #expect(outcomes.filter { $0 == .miss }.count == 1)
        #expect(outcomes.filter { $0 == .coalesced }.count == 49)
        #expect(await cache.usage.entries == (budget == 0 ? 0 : 1))
    }

    @Test func zeroBudgetStoresNothing() async throws {
        let cache = TileCache(budgetBytes: 0)
        let produced = CallCounter()
        for _ in 0..<3 {
            let result = try await cache.tile(for: Self.key(0)) {
                produced.increment()
                return Self.bytes(1)
            }
            #expect(result.outcome == .miss)
        }
        #expect(produced.count == 3)
        #expect(await cache.usage.entries == 0)
        #expect(await cache.usage.bytes == 0)
    }

    @Test func errorsAreNotCached() async throws {
        let cache = TileCache(budgetBytes: 1_000_000)
        let produced = CallCounter()
        let gate = Gate()
        let failures = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do {
                        _ = try await cache.tile(for: Self.key(4)) {
                            produced.increment()
                            await gate.pass("produce")
                            throw Failure()
                        }
                        return false
                    } catch {
                        return error is Failure
                    }
                }
            }
            await eventually("9 callers joined") { await cache.production(of: Self.key(4)).joined == 9 }
            await gate.open()
            return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(failures == 10)
        #expect(produced.count == 1)
        #expect(await cache.usage.entries == 0)
        let retry = try await cache.tile(for: Self.key(4)) {
            produced.increment()
            return Self.bytes(5)
        }
        #expect(retry.outcome == .miss)
        #expect(retry.bytes == Self.bytes(5))
        #expect(produced.count == 2)
    }

    // Issue 16: a production every caller left is cancelled and forgotten at once, so a caller arriving afterwards
    // starts a new one rather than joining the one being given up (and failing with it). The first production waits
    // on a gate that ignores cancellation, as a codec job already running does: it is still running when the second
    // caller comes, so only forgetting it at once lets that caller get its tile.
    @Test func aProductionEveryCallerLeftIsCancelledAndTheNextCallerStartsAgain() async throws {
        let cache = TileCache(budgetBytes: 1_000_000)
        let produced = CallCounter()
        let gate = Gate()
        let first = Task {
            try await cache.tile(for: Self.key(6)) {
                produced.increment()
                await gate.pass("first production")
                try Task.checkCancellation()
                return Self.bytes(1)
            }
        }
        await eventually("the first production runs") { produced.count == 1 }
        first.cancel()
        await eventually("the production is forgotten") { await !cache.production(of: Self.key(6)).running }
        // Without that, fail rather than wait for ever on the gate.
        if await cache.production(of: Self.key(6)).running { await gate.open() }
        let second = try await cache.tile(for: Self.key(6)) {
            produced.increment()
            return Self.bytes(2)
        }
        #expect(second.outcome == .miss)
        #expect(second.bytes == Self.bytes(2))
        #expect(produced.count == 2)
        await gate.open()
        await #expect(throws: CancellationError.self) { try await first.value }
    }

    @Test func removeAllEmptiesTheCache() async throws {
        let cache = TileCache(budgetBytes: 1_000_000)
        for tile in 0..<3 { _ = try await cache.tile(for: Self.key(tile)) { Self.bytes(10) } }
        #expect(await cache.usage.entries == 3)
        await cache.removeAll()
        #expect(await cache.usage.entries == 0)
        #expect(await cache.usage.bytes == 0)
        let again = try await cache.tile(for: Self.key(0)) { Self.bytes(10) }
        #expect(again.outcome == .miss)
    }
}
