import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import NIOConcurrencyHelpers
import Testing

/// The readers over a ``ByteSource`` (libtiff's client procedures, OpenJPEG's stream callbacks), the way they read
/// objects on a remote store: the same answers as from a path, a stored tile in one read, and the source's own
/// error when it fails.
@Suite struct ByteSourceTests {
    /// A local file that counts the reads made through it and fails them while told to, as a store that stops
    /// answering does.
    final class ObservedFile: ByteSource {
        let file: LocalFile
        private let log = NIOLockedValueBox<[Range<Int>]>([])
        private let failing = NIOLockedValueBox(false)

        init(path: String) throws {
            file = try LocalFile(path: path)
        }

        var length: Int { file.length }
        var name: String { "observed:" + file.name }
        var reads: [Range<Int>] { log.withLockedValue { $0 } }
        func forget() { log.withLockedValue { $0.removeAll() } }
        func fail(_ fails: Bool) { failing.withLockedValue { $0 = fails } }

        func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ImagingError) -> Int {
            log.withLockedValue { $0.append(offset..<offset + buffer.count) }
            if failing.withLockedValue({ $0 }) { throw Self.failure(name) }
            return try file.read(at: offset, into: buffer)
        }

        static func failure(_ name: String) -> ImagingError {
            .unreadable(path: name, reason: "the store answered 503")
        }
    }

    static let tiffSpec = FixtureSpec("bytesource-pyramid.tif", width: 700, height: 500).with {
        $0.channels = 3
        $0.tileSize = 256
    }

    // iipsrv-reference §7.1: the same pyramid whether libtiff reads a descriptor or a client's procedures
    @Test func aTIFFReadThroughASourceMatchesTheFile() throws {
        let path = Fixtures.path(try Fixtures.make(Self.tiffSpec))
        let direct = try PyramidTIFF(path: path)
        let source = try ObservedFile(path: path)
        let client = try PyramidTIFF(source: source)
        #expect(client.description == direct.description)
        for resolution in direct.description.levels.indices {
            let level = direct.description.levels[resolution]
            for tile in 0..<level.tileCount {
                #expect(
                    try client.readTile(resolution: resolution, tile: tile)
                        == direct.readTile(resolution: resolution, tile: tile))
                #expect(
                    try client.storedTile(resolution: resolution, tile: tile, format: .jpeg)
                        == direct.storedTile(resolution: resolution, tile: tile, format: .jpeg))
            }
        }
    }

    // A stored JPEG tile of an open file is one read of exactly its bytes: on a remote store, one range request.
    @Test func aStoredTileIsOneRead() throws {
        let source = try ObservedFile(path: Fixtures.path(try Fixtures.make(Self.tiffSpec)))
        let tiff = try PyramidTIFF(source: source)
        let full = tiff.description.levels.count - 1
        _ = try tiff.storedTile(resolution: full, tile: 0, format: .jpeg)
        source.forget()
        let jpeg = try #require(try tiff.storedTile(resolution: full, tile: 1, format: .jpeg))
        #expect(source.reads.count == 1)
        let read = try #require(source.reads.first)
        #expect(read.count > 100 && read.count < jpeg.count)
    }

    // A store failing under a tile read: its error, not "cannot read tile"; once it answers again, so does the image.
    @Test func aFailingSourceReportsItsOwnError() throws {
        let source = try ObservedFile(path: Fixtures.path(try Fixtures.make(Self.tiffSpec)))
        let tiff = try PyramidTIFF(source: source)
        let full = tiff.description.levels.count - 1
        source.fail(true)
        #expect(throws: ObservedFile.failure(source.name)) { _ = try tiff.readTile(resolution: full, tile: 1) }
        #expect(throws: ObservedFile.failure(source.name)) {
            _ = try tiff.storedTile(resolution: full, tile: 1, format: .jpeg)
        }
        source.fail(false)
        #expect(throws: Never.self) { _ = try tiff.readTile(resolution: full, tile: 1) }
        #expect(throws: Never.self) { _ = try tiff.storedTile(resolution: full, tile: 1, format: .jpeg) }
    }

    @Test func aSourceFailingInTheHeaderRefusesTheFileWithItsError() throws {
        let source = try ObservedFile(path: Fixtures.path(try Fixtures.make(Self.tiffSpec)))
        source.fail(true)
        #expect(throws: ObservedFile.failure(source.name)) { _ = try PyramidTIFF(source: source) }
    }

    // iipsrv-reference §7.3: JPEG 2000 through OpenJPEG's stream callbacks over a source, as from the file
    @Test func aJPEG2000ReadThroughASourceMatchesTheFile() throws {
        let path = Fixtures.path(
            try JPEG2000Fixtures.make(
                JPEG2000Fixtures.Spec("bytesource.jp2", width: 600, height: 400).with { $0.tileSize = 256 }))
        let direct = try JPEG2000Source(path: path)
        let client = try JPEG2000Source(source: try ObservedFile(path: path))
        #expect(client.description == direct.description)
        for resolution in direct.description.levels.indices {
            for tile in 0..<direct.description.levels[resolution].tileCount {
                #expect(
                    try client.readTile(resolution: resolution, tile: tile)
                        == direct.readTile(resolution: resolution, tile: tile))
            }
        }
    }

    @Test func aJPEG2000SourceFailingReportsItsOwnError() throws {
        let path = Fixtures.path(
            try JPEG2000Fixtures.make(
                JPEG2000Fixtures.Spec("bytesource-failing.jp2", width: 600, height: 400).with { $0.tileSize = 256 }))
        let source = try ObservedFile(path: path)
        let image = try JPEG2000Source(source: source)
        let full = image.description.levels.count - 1
        source.fail(true)
        #expect(throws: ObservedFile.failure(source.name)) { _ = try image.readTile(resolution: full, tile: 0) }
        source.fail(false)
        #expect(throws: Never.self) { _ = try image.readTile(resolution: full, tile: 0) }
    }

    // The opener sends paths a remote store handles to it, and reads them by their first bytes.
    @Test func theOpenerReadsRemotePathsThroughTheStore() throws {
        struct Store: RemoteObjects {
            let folder: String
            func handles(_ path: String) -> Bool { path.hasPrefix("test://") }
            func version(of path: String) throws(ImagingError) -> RemoteObjectVersion? { nil }
            func open(_ path: String, version: RemoteObjectVersion) -> any ByteSource {
                preconditionFailure("not used here")
            }
            func open(_ path: String) throws(ImagingError) -> any ByteSource {
                do { return try ObservedFile(path: folder + path.dropFirst("test://".count)) } catch {
                    throw .unreadable(path: path, reason: "no such object")
                }
            }
            func shutdown() async {}
        }
        let path = Fixtures.path(try Fixtures.make(Self.tiffSpec))
        let folder = (path as NSString).deletingLastPathComponent + "/"
        let opener = ImageSourceOpener(remote: Store(folder: folder))
        let name = (path as NSString).lastPathComponent
        let remote = try opener.open(path: "test://" + name)
        #expect(remote.description == (try PyramidTIFF(path: path)).description)
        #expect(throws: ImagingError.unreadable(path: "test://missing.tif", reason: "no such object")) {
            _ = try opener.open(path: "test://missing.tif")
        }
    }
}
