import IIPImaging
import Testing

@testable import IIPPipeline

/// The decoded-tile cache behind region exports: LRU by bytes, single-flight decoding, failures not kept.
@Suite struct DecodedTileCacheTests {
    struct Failure: Error {}

    static func key(_ tile: Int, resolution: Int = 2, modified: Int64 = 1) -> DecodedTileCache.Key {
        DecodedTileCache.Key(imagePath: "a.tif", modified: modified, resolution: resolution, tile: tile)
    }

    static func pixels(_ value: UInt8, side: Int = 8) -> PixelBuffer {
        PixelBuffer(
            width: side, height: side, channels: 3, bytes: [UInt8](repeating: value, count: side * side * 3))
    }

    @Test func decodesOnceThenServesFromMemory() async throws {
        let cache = DecodedTileCache(budgetBytes: 1_000_000)
        let decoded = CallCounter()
        for _ in 0..<3 {
            let tile = try await cache.tile(for: Self.key(0)) {
                decoded.increment()
                return Self.pixels(5)
            }
            #expect(tile == Self.pixels(5))
        }
        #expect(decoded.count == 1)
        #expect(await cache.usage.entries == 1)
        #expect(await cache.usage.bytes == 8 * 8 * 3 + "a.tif".utf8.count + 96)
    }

    @Test func resolutionTileAndModificationTimeAreDistinct() async throws {
        let cache = DecodedTileCache(budgetBytes: 1_000_000)
        let decoded = CallCounter()
        let keys = [Self.key(0), Self.key(1), Self.key(0, resolution: 3), Self.key(0, modified: 2)]
        for (n, key) in keys.enumerated() {
            let tile = try await cache.tile(for: key) {
                decoded.increment()
                return Self.pixels(UInt8(n))
            }
            #expect(tile == Self.pixels(UInt8(n)))
        }
        #expect(decoded.count == keys.count)
    }

    @Test func budgetEvictsLeastRecentlyUsed() async throws {
        let entry = 8 * 8 * 3 + "a.tif".utf8.count + 96
        let cache = DecodedTileCache(budgetBytes: entry * 2)
        for tile in 0..<3 { _ = try await cache.tile(for: Self.key(tile)) { Self.pixels(UInt8(tile)) } }
        #expect(await cache.usage.entries == 2)
        let decoded = CallCounter()
        _ = try await cache.tile(for: Self.key(0)) {
            decoded.increment()
            return Self.pixels(0)
        }
        #expect(decoded.count == 1, "tile 0 was the oldest and must have been evicted")
    }

    @Test func concurrentRequestsShareOneDecode() async throws {
        let cache = DecodedTileCache(budgetBytes: 0)
        let decoded = CallCounter()
        let gate = Gate()
        try await withThrowingTaskGroup(of: PixelBuffer.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.tile(for: Self.key(4)) {
                        decoded.increment()
                        await gate.pass("decode")
                        return Self.pixels(4)
                    }
                }
            }
            await eventually("19 callers joined") { await cache.production(of: Self.key(4)).joined == 19 }
            await gate.open()
            for try await tile in group { #expect(tile == Self.pixels(4)) }
        }
        #expect(decoded.count == 1)
        #expect(await cache.usage.entries == 0, "a zero budget coalesces but keeps nothing")
    }

    @Test func failuresAreNotCached() async throws {
        let cache = DecodedTileCache(budgetBytes: 1_000_000)
        await #expect(throws: Failure.self) {
            _ = try await cache.tile(for: Self.key(0)) { throw Failure() }
        }
        let tile = try await cache.tile(for: Self.key(0)) { Self.pixels(9) }
        #expect(tile == Self.pixels(9))
        await cache.removeAll()
        #expect(await cache.usage.entries == 0)
    }
}
