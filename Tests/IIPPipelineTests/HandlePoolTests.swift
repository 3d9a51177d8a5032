import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Synchronization
import Testing

@testable import IIPPipeline

/// Handles lent to one decode at a time, opened on demand and kept up to a limit.
@Suite struct HandlePoolTests {
    /// A source that only counts how often it is used.
    final class FakeSource: ImageSource {
        let description = ImageDescription(
            levels: [PyramidLevel(width: 4, height: 4, tileWidth: 4, tileHeight: 4)], channels: 1, bitsPerSample: 8,
            colorSpace: .greyscale)
        let serial: Int
        init(serial: Int) { self.serial = serial }
        func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
            PixelBuffer(width: 4, height: 4, channels: 1, bytes: Array(repeating: UInt8(serial), count: 16))
        }
    }

    private func pool(maxIdle: Int, first: Bool, opens: CallCounter) -> HandlePool {
        HandlePool(first: first ? FakeSource(serial: 0) : nil, maxIdle: maxIdle, counter: HandleCounter()) {
            () throws(ImagingError) in
            FakeSource(serial: opens.increment())
        }
    }

    @Test func reusesTheFirstHandle() throws {
        let opens = CallCounter()
        let pool = pool(maxIdle: 2, first: true, opens: opens)
        #expect(pool.idleCount == 1)
        for _ in 0..<5 {
            let serial = try pool.withSource { ($0 as! FakeSource).serial }
            #expect(serial == 0)
        }
        #expect(opens.count == 0)
        #expect(pool.idleCount == 1)
    }

    @Test func opensWhenEveryHandleIsLentAndKeepsAtMostMaxIdle() throws {
        let opens = CallCounter()
        let pool = pool(maxIdle: 2, first: false, opens: opens)
        #expect(pool.idleCount == 0)
        let serials = try pool.withSource { outer throws(ImagingError) in
            try pool.withSource { middle throws(ImagingError) in
                try pool.withSource { inner in
                    [outer, middle, inner].map { ($0 as! FakeSource).serial }
                }
            }
        }
        #expect(Set(serials).count == 3)
        #expect(opens.count == 3)
        #expect(pool.idleCount == 2)
    }

    @Test func maxIdleIsAtLeastOne() throws {
        let opens = CallCounter()
        let pool = pool(maxIdle: 0, first: true, opens: opens)
        _ = try pool.withSource { _ in 0 }
        #expect(pool.idleCount == 1)
        #expect(opens.count == 0)
    }

    @Test func openErrorsPropagate() {
        let pool = HandlePool(first: nil, maxIdle: 1, counter: HandleCounter()) {
            () throws(ImagingError) -> any ImageSource in
            throw .unreadable(path: "x", reason: "gone")
        }
        #expect(throws: ImagingError.unreadable(path: "x", reason: "gone")) { try pool.withSource { _ in 0 } }
        #expect(pool.idleCount == 0)
    }

    // Many concurrent decodes of one image through the executor: all succeed with identical pixels.
    @Test func concurrentReadsThroughOpenImage() async throws {
        let spec = FixtureSpec("pipe-handles.tif", width: 400, height: 300).with { $0.compression = .lzw }
        let name = try Fixtures.make(spec)
        let executor = CodecExecutor(threadCount: 2)
        let registry = ImageRegistry(
            resolver: PathResolver(prefix: Fixtures.directory + "/", suffix: ""), executor: executor, capacity: 10,
            checkInterval: .seconds(3600), handlesPerImage: 2)
        let image = try await registry.image(at: name)
        let last = image.description.resolutionCount - 1
        let tileCount = image.description.fullLevel.tileCount
        #expect(tileCount == 4)
        let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for job in 0..<48 {
                group.addTask {
                    let tile = job % tileCount
                    let pixels = try await executor.run { try image.readTile(resolution: last, tile: tile) }
                    return (tile, pixels.bytes)
                }
            }
            return try await group.reduce(into: [Int: Set<[UInt8]>]()) { $0[$1.0, default: []].insert($1.1) }
        }
        await executor.shutdown()
        #expect(results.count == tileCount)
        #expect(results.values.allSatisfy { $0.count == 1 }, "a tile decoded differently on another handle")
        let direct = try PyramidTIFF(path: Fixtures.path(name))
        for tile in 0..<tileCount {
            #expect(results[tile]?.first == (try direct.readTile(resolution: last, tile: tile)).bytes)
        }
        #expect((1...2).contains(image.handles.idleCount))
    }
}
