import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPPipeline

/// The open-image registry: single-flight opens, file change checks, capacity and error mapping.
@Suite struct ImageRegistryTests {
    static let image = FixtureSpec("pipe-registry.tif", width: 300, height: 200).with { $0.compression = .deflate }

    @discardableResult
    private func withRegistry<T>(
        capacity: Int = 1000, checkInterval: Duration = .seconds(3600),
        _ body: (ImageRegistry) async throws -> T
    ) async throws -> T {
        let executor = CodecExecutor(threadCount: 2)
        let registry = ImageRegistry(
            resolver: PathResolver(prefix: Fixtures.directory + "/", suffix: ""), executor: executor,
            capacity: capacity, checkInterval: checkInterval, handlesPerImage: 2)
        do {
            let result = try await body(registry)
            await executor.shutdown()
            return result
        } catch {
            await executor.shutdown()
            throw error
        }
    }

    /// Replaces `name` atomically (temporary file + rename) with a copy of fixture `source`.
    private func install(_ source: FixtureSpec, as name: String) throws {
        let from = Fixtures.path(try Fixtures.make(source))
        let temporary = Fixtures.path(name + ".tmp-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: from, toPath: temporary)
        #expect(rename(temporary, Fixtures.path(name)) == 0)
    }

    @Test func opensOnceForConcurrentFirstRequests() async throws {
        let name = try Fixtures.make(Self.image)
        try await withRegistry { registry in
            let images = try await withThrowingTaskGroup(of: OpenImage.self) { group in
                for _ in 0..<16 { group.addTask { try await registry.image(at: name) } }
                return try await group.reduce(into: [OpenImage]()) { $0.append($1) }
            }
            #expect(images.count == 16)
            #expect(images.allSatisfy { $0 === images[0] })
            #expect(images[0].path == name)
            #expect(images[0].filePath == Fixtures.directory + "/" + name)
            #expect(images[0].description.width == 300 && images[0].description.height == 200)
            #expect(try await registry.image(at: name) === images[0])
            #expect(await registry.count == 1)
        }
    }

    @Test func unchangedFileIsReusedWhenCheckedEveryTime() async throws {
        let name = try Fixtures.make(Self.image)
        try await withRegistry(checkInterval: .zero) { registry in
            let first = try await registry.image(at: name)
            #expect(try await registry.image(at: name) === first)
        }
    }

    // iipsrv-reference §8.2: a changed file (mtime, size or inode) is re-read
    @Test func rewrittenFileIsNoticedWithZeroInterval() async throws {
        let name = "pipe-registry-rewrite-zero.tif"
        let small = FixtureSpec("pipe-registry-v1.tif", width: 120, height: 90).with { $0.compression = .none }
        let large = FixtureSpec("pipe-registry-v2.tif", width: 330, height: 250).with { $0.compression = .lzw }
        try install(small, as: name)
        try await withRegistry(checkInterval: .zero) { registry in
            let before = try await registry.image(at: name)
            #expect(before.description.width == 120)
            try install(large, as: name)
            let after = try await registry.image(at: name)
            #expect(after !== before)
            #expect(after.description.width == 330 && after.description.height == 250)
            #expect(after.status != before.status)
            #expect(try await registry.image(at: name) === after)
        }
    }

    @Test func rewrittenFileIsNotNoticedWithinTheInterval() async throws {
        let name = "pipe-registry-rewrite-long.tif"
        let small = FixtureSpec("pipe-registry-v1.tif", width: 120, height: 90).with { $0.compression = .none }
        let large = FixtureSpec("pipe-registry-v2.tif", width: 330, height: 250).with { $0.compression = .lzw }
        try install(small, as: name)
        try await withRegistry(checkInterval: .seconds(3600)) { registry in
            let before = try await registry.image(at: name)
            try install(large, as: name)
            let after = try await registry.image(at: name)
            #expect(after === before)
            #expect(after.description.width == 120)
        }
    }

    @Test func deletedFileIsNoticedWithZeroInterval() async throws {
        let name = "pipe-registry-deleted.tif"
        let small = FixtureSpec("pipe-registry-v1.tif", width: 120, height: 90).with { $0.compression = .none }
        try install(small, as: name)
        try await withRegistry(checkInterval: .zero) { registry in
            _ = try await registry.image(at: name)
            try FileManager.default.removeItem(atPath: Fixtures.path(name))
            await #expect(throws: ImageAccessError.notFound(name)) { try await registry.image(at: name) }
            #expect(await registry.count == 0)
        }
    }

    // iipsrv-reference §8.2: MAX_METADATA_CACHE_SIZE 0 disables the cache
    @Test func capacityZeroKeepsNothing() async throws {
        let name = try Fixtures.make(Self.image)
        try await withRegistry(capacity: 0) { registry in
            let first = try await registry.image(at: name)
            let second = try await registry.image(at: name)
            #expect(first !== second)
            #expect(first.description == second.description)
            #expect(await registry.count == 0)
        }
    }

    @Test func capacityEvictsLeastRecentlyUsed() async throws {
        let a = try Fixtures.make(Self.image)
        let b = try Fixtures.make(FixtureSpec("pipe-registry-b.tif", width: 64, height: 64))
        let c = try Fixtures.make(FixtureSpec("pipe-registry-c.tif", width: 64, height: 64))
        try await withRegistry(capacity: 2) { registry in
            let first = try await registry.image(at: a)
            _ = try await registry.image(at: b)
            #expect(try await registry.image(at: a) === first)  // a is now the newest
            _ = try await registry.image(at: c)  // evicts b
            #expect(await registry.count == 2)
            #expect(try await registry.image(at: a) === first)
            await registry.removeAll()
            #expect(await registry.count == 0)
            #expect(try await registry.image(at: a) !== first)
        }
    }

    @Test func missingFileAndDirectoryAreNotFound() async throws {
        let directory = "pipe-registry-folder.tif"
        try FileManager.default.createDirectory(
            atPath: Fixtures.path(directory), withIntermediateDirectories: true)
        try await withRegistry { registry in
            await #expect(throws: ImageAccessError.notFound("pipe-missing.tif")) {
                try await registry.image(at: "pipe-missing.tif")
            }
            await #expect(throws: ImageAccessError.notFound(directory)) {
                try await registry.image(at: directory)
            }
        }
    }

    // iipsrv-reference §1.3: no path may leave the prefix
    @Test(arguments: ["../pipe-registry.tif", "x/../pipe-registry.tif", "..", "sub/..", "", "a\0b"])
    func escapingPathsAreRefused(path: String) async throws {
        try Fixtures.make(Self.image)
        try await withRegistry { registry in
            await #expect(throws: ImageAccessError.notFound(path)) { _ = try await registry.image(at: path) }
        }
    }

    // iipsrv-reference §7.1: an untiled TIFF is refused ("Image is not tiled")
    @Test func untiledFileIsUnsupported() async throws {
        let name = try Fixtures.make(
            FixtureSpec("pipe-registry-stripped.tif", width: 64, height: 48).with { $0.layout = .stripped })
        try await withRegistry { registry in
            await #expect(throws: ImageAccessError.unsupported(path: name, reason: "image is not tiled")) {
                _ = try await registry.image(at: name)
            }
        }
    }

    @Test func textFileIsNotAnImage() async throws {
        let name = try Fixtures.makeText("pipe-registry-text.tif", contents: "just some text\n")
        try await withRegistry { registry in
            do throws(ImageAccessError) {
                _ = try await registry.image(at: name)
                Issue.record("a text file opened")
            } catch {
                #expect(error == .unsupportedFormat(path: name))
                #expect(error.status == 400)
                #expect(!error.description.contains(Fixtures.directory), "the prefix leaked: \(error)")
            }
        }
    }

    @Test(arguments: [0.05, 0.3, 0.5, 0.8, 0.97])
    func truncatedFileThrowsAnAccessError(fraction: Double) async throws {
        let name = try Fixtures.make(
            FixtureSpec("pipe-registry-cut-\(Int(fraction * 100)).tif", width: 300, height: 200).with {
                $0.compression = .deflate
                $0.tileSize = 64
                $0.truncateTo = fraction
            })
        try await withRegistry { registry in
            do throws(ImageAccessError) {
                let image = try await registry.image(at: name)
                // Opened (a directory survived): decoding every tile must fail cleanly or succeed.
                for (resolution, level) in image.description.levels.enumerated() {
                    for tile in 0..<level.tileCount { _ = try? image.readTile(resolution: resolution, tile: tile) }
                }
            } catch {
                #expect(!error.description.contains(Fixtures.directory), "the prefix leaked: \(error)")
            }
        }
    }

    @Test func histogramIsComputedOnceFromTheSmallestLevel() async throws {
        let name = try Fixtures.make(Self.image)
        try await withRegistry { registry in
            let image = try await registry.image(at: name)
            let histogram = try image.histogram()
            // 300x200 in 256-pixel tiles halves once: the smallest level is one 150x100 tile.
            #expect(image.description.levels[0].width == 150)
            #expect(histogram.total == 150 * 100)
            #expect(try image.histogram() == histogram)
        }
    }
}
