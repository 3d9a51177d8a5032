import Foundation
import IIPImaging
import IIPModel
import IIPRemote
import IIPTestSupport
import NIOConcurrencyHelpers
import Testing

/// The byte-range reader against the real stores (rclone's S3 server, nginx): the same images as from local
/// files, a cold stored tile in one range request and a cached one in none, and clear errors from a store that
/// refuses, fails or does not answer.
@Suite(.serialized, .enabled(if: RemoteStores.enabled, "no remote stores (run .ci/test)"))
struct RemoteStoreTests {
    static let tiff = FixtureSpec("remote-pyramid.tif", width: 1100, height: 700).with {
        $0.channels = 3
        $0.tileSize = 256
    }

    /// Runs `body` with `store`, then closes the store's connections (an HTTP client must be shut down).
    static func using<T>(_ store: RemoteObjectStore, _ body: (RemoteObjectStore) async throws -> T) async throws -> T {
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// Opens `name` on `kind`'s store through the server's opener.
    static func open(_ name: String, on store: RemoteObjectStore) throws -> any ImageSource {
        try ImageSourceOpener(remote: store).open(path: store.prefix.text + name)
    }

    // Issue 15: the same pyramid TIFF, tile for tile and stored tile for stored tile, from each store as from disk
    @Test(arguments: RemoteStores.Kind.allCases)
    func aTIFFReadsAsFromDisk(_ kind: RemoteStores.Kind) async throws {
        let local = Fixtures.path(try Fixtures.make(Self.tiff))
        let name = try RemoteStores.publish(local, as: "same-\(kind).tif")
        try await Self.using(try RemoteStores.store(kind)) { store in
            let remote = try Self.open(name, on: store)
            let direct = try PyramidTIFF(path: local)
            #expect(remote.description == direct.description)
            for resolution in direct.description.levels.indices {
                for tile in 0..<direct.description.levels[resolution].tileCount {
                    #expect(
                        try remote.readTile(resolution: resolution, tile: tile)
                            == direct.readTile(resolution: resolution, tile: tile))
                    #expect(
                        try remote.storedTile(resolution: resolution, tile: tile, format: .jpeg)
                            == direct.storedTile(resolution: resolution, tile: tile, format: .jpeg))
                }
            }
        }
    }

    @Test(arguments: RemoteStores.Kind.allCases)
    func aJPEG2000ReadsAsFromDisk(_ kind: RemoteStores.Kind) async throws {
        let local = Fixtures.path(
            try JPEG2000Fixtures.make(
                JPEG2000Fixtures.Spec("remote.jp2", width: 700, height: 500).with { $0.tileSize = 256 }))
        let name = try RemoteStores.publish(local, as: "same-\(kind).jp2")
        try await Self.using(try RemoteStores.store(kind)) { store in
            let remote = try Self.open(name, on: store)
            let direct = try JPEG2000Source(path: local)
            #expect(remote.description == direct.description)
            for resolution in direct.description.levels.indices {
                for tile in 0..<direct.description.levels[resolution].tileCount {
                    #expect(
                        try remote.readTile(resolution: resolution, tile: tile)
                            == direct.readTile(resolution: resolution, tile: tile))
                }
            }
        }
    }

    // Issue 15, done when: a cold stored JPEG tile of an open image is one range request (the store's own log
    // says so), and a cached one is none.
    @Test(arguments: RemoteStores.Kind.allCases)
    func aColdStoredTileIsOneRangeRequest(_ kind: RemoteStores.Kind) async throws {
        let local = Fixtures.path(try Fixtures.make(Self.tiff))
        let name = try RemoteStores.publish(local, as: "one-range-\(kind).tif")
        var configuration = RemoteStoreConfiguration()
        configuration.blockSize = 16 << 10
        configuration.readAhead = 16 << 10
        try await Self.using(try RemoteStores.store(kind, configuration: configuration)) { store in
            let image = try Self.open(name, on: store)
            let full = image.description.levels.count - 1
            let before = try await RemoteStores.logLines(kind, naming: name, atLeast: 1).count
            let counted = store.counts
            let jpeg = try #require(try image.storedTile(resolution: full, tile: 5, format: .jpeg))
            #expect(store.counts.gets == counted.gets + 1)
            #expect(store.counts.heads == counted.heads)
            let lines = try await RemoteStores.logLines(kind, naming: name, atLeast: before + 1)
            let new = lines.dropFirst(before)
            #expect(new.count == 1, "\(new)")
            #expect(new.allSatisfy { $0.contains("\"GET ") && $0.contains("\"bytes=") })
            // Again: from the block cache, nothing remote.
            let cached = store.counts
            #expect(try image.storedTile(resolution: full, tile: 5, format: .jpeg) == jpeg)
            #expect(store.counts.gets == cached.gets)
            #expect(store.counts.cachedReads > cached.cachedReads)
        }
    }

    // Issue 15: the tiles of an export are fetched together, neighbours merged: every tile of the full level
    // (three rows of five, one after another in the file) in one request, and then decoded without another.
    @Test(arguments: RemoteStores.Kind.allCases)
    func anExportsTilesAreFetchedTogether(_ kind: RemoteStores.Kind) async throws {
        let local = Fixtures.path(try Fixtures.make(Self.tiff))
        let name = try RemoteStores.publish(local, as: "export-\(kind).tif")
        var configuration = RemoteStoreConfiguration()
        configuration.blockSize = 16 << 10
        configuration.readAhead = 16 << 10
        try await Self.using(try RemoteStores.store(kind, configuration: configuration)) { store in
            let image = try Self.open(name, on: store)
            let full = image.description.levels.count - 1
            let tiles = Array(0..<image.description.levels[full].tileCount)
            let before = store.counts
            try image.prefetch(resolution: full, tiles: tiles)
            #expect(store.counts.gets == before.gets + 1)
            let fetched = store.counts
            for tile in tiles { _ = try image.readTile(resolution: full, tile: tile) }
            #expect(store.counts.gets == fetched.gets)
        }
    }

    // Eight reads of one cold tile at once, from a store slow enough (nginx at 8 KB/s) that they overlap: one
    // fetches it, the others wait for its bytes, and all get the same tile.
    @Test func readsMissingTheSameBytesShareOneFetch() async throws {
        let local = Fixtures.path(try Fixtures.make(Self.tiff))
        let name = try RemoteStores.publish(local, as: "shared.tif")
        let prefix = try #require(try RemotePrefix(try RemoteStores.value("IIP_HTTP_SLOW_URL")))
        var configuration = RemoteStoreConfiguration()
        configuration.blockSize = 4 << 10
        configuration.readAhead = 4 << 10
        let store = RemoteObjectStore(prefix: prefix, aws: nil, configuration: configuration, logger: .init(label: "t"))
        try await Self.using(store) { store in
            let images = try (0..<8).map { _ in try Self.open(name, on: store) }
            let full = images[0].description.levels.count - 1
            let before = store.counts
            // Threads of their own: the reads block, as on the codec threads.
            let results = NIOLockedValueBox<[[UInt8]?]>([])
            let done = DispatchGroup()
            for image in images {
                let box = UncheckedBox(image)
                done.enter()
                Thread {
                    let tile = try? box.value.storedTile(resolution: full, tile: 7, format: .jpeg)
                    results.withLockedValue { $0.append(tile) }
                    done.leave()
                }.start()
            }
            done.wait()
            let tiles = results.withLockedValue { $0 }
            #expect(tiles.count == images.count)
            #expect(tiles.allSatisfy { $0 != nil && $0 == tiles[0] })
            #expect(store.counts.gets == before.gets + 1)
            #expect(store.counts.sharedFetches == before.sharedFetches + 7)
        }
    }

    @Test(arguments: RemoteStores.Kind.allCases)
    func aMissingObjectIsNotFound(_ kind: RemoteStores.Kind) async throws {
        try await Self.using(try RemoteStores.store(kind)) { store in
            let version = try store.version(of: store.prefix.text + "no-such-image.tif")
            #expect(version == nil)
            #expect(throws: ImagingError.unreadable(path: store.prefix.text + "no-such.tif", reason: "no such object"))
            {
                _ = try Self.open("no-such.tif", on: store)
            }
        }
    }

    // A changed object is a new version, so its blocks never mix with the old ones.
    @Test(arguments: RemoteStores.Kind.allCases)
    func aReplacedObjectHasANewVersion(_ kind: RemoteStores.Kind) async throws {
        let first = Fixtures.path(try Fixtures.make(Self.tiff))
        let name = try RemoteStores.publish(first, as: "replaced-\(kind).tif")
        let second = Fixtures.path(
            try Fixtures.make(FixtureSpec("remote-other.tif", width: 900, height: 600).with { $0.tileSize = 256 }))
        try await Self.using(try RemoteStores.store(kind)) { store in
            let before = try #require(try store.version(of: store.prefix.text + name))
            _ = try Self.open(name, on: store).readTile(resolution: 0, tile: 0)
            try await Task.sleep(for: .milliseconds(1100))  // Last-Modified and nginx's ETag count whole seconds
            _ = try RemoteStores.publish(second, as: name)
            let after = try #require(try store.version(of: store.prefix.text + name))
            #expect(after != before)
            let reopened = try Self.open(name, on: store)
            let direct = try PyramidTIFF(path: second)
            #expect(reopened.description == direct.description)
            #expect(try reopened.readTile(resolution: 0, tile: 0) == direct.readTile(resolution: 0, tile: 0))
        }
    }

    @Test func aWrongSecretIsRefusedAsNotFound() async throws {
        let local = Fixtures.path(try Fixtures.make(Self.tiff))
        let name = try RemoteStores.publish(local, as: "secret.tif")
        try await Self.using(try RemoteStores.store(.s3, secret: "not-the-secret-at-all-0000000000000000")) { store in
            let version = try store.version(of: store.prefix.text + name)
            #expect(version == nil)
        }
    }

    // A store answering 503 to everything: retried, then an error; no hang.
    @Test func aFailingStoreIsUnavailable() async throws {
        let prefix = try #require(try RemotePrefix(try RemoteStores.value("IIP_HTTP_FAILING_URL")))
        var configuration = RemoteStoreConfiguration()
        configuration.retries = 1
        let store = RemoteObjectStore(prefix: prefix, aws: nil, configuration: configuration, logger: .init(label: "t"))
        try await Self.using(store) { store in
            #expect {
                _ = try store.version(of: prefix.text + "image.tif")
            } throws: { error in
                guard case ImagingError.storeUnavailable(let reason) = error else { return false }
                return reason.contains("503")
            }
            #expect(store.counts.heads == 1)
        }
    }

    // A store that accepts connections and never answers: the request times out, is retried, and fails.
    @Test func aSilentStoreTimesOut() async throws {
        let listener = try SilentListener()
        let prefix = try #require(try RemotePrefix("http://127.0.0.1:\(listener.port)/images/"))
        var configuration = RemoteStoreConfiguration()
        configuration.timeout = .milliseconds(300)
        configuration.retries = 1
        let store = RemoteObjectStore(prefix: prefix, aws: nil, configuration: configuration, logger: .init(label: "t"))
        try await Self.using(store) { store in
            #expect {
                _ = try store.version(of: prefix.text + "image.tif")
            } throws: { error in
                guard case ImagingError.storeUnavailable(let reason) = error else { return false }
                return reason.contains("timed out")
            }
        }
        withExtendedLifetime(listener) {}
    }

    // A store that is not there at all.
    @Test func aStoppedStoreIsUnavailable() async throws {
        let port = try SilentListener().port  // bound, then closed when the listener goes
        let prefix = try #require(try RemotePrefix("http://127.0.0.1:\(port)/images/"))
        var configuration = RemoteStoreConfiguration()
        configuration.retries = 1
        let store = RemoteObjectStore(prefix: prefix, aws: nil, configuration: configuration, logger: .init(label: "t"))
        try await Self.using(store) { store in
            #expect {
                _ = try store.version(of: prefix.text + "image.tif")
            } throws: { error in
                guard case ImagingError.storeUnavailable(let reason) = error else { return false }
                return reason.contains("cannot reach the store")
            }
        }
    }
}
