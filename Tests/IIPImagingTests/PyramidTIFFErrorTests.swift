import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Files the reader must refuse, and requests outside the pyramid: always an `ImagingError`, never a crash.
@Suite struct PyramidTIFFErrorTests {
    // iipsrv-reference §7.1: an untiled first IFD fails with "Image is not tiled"
    @Test func strippedFileIsNotTiled() throws {
        let spec = FixtureSpec("img-stripped.tif", width: 120, height: 90).with {
            $0.layout = .stripped
            $0.compression = .deflate
        }
        let path = Fixtures.path(try Fixtures.make(spec))
        #expect(throws: ImagingError.notTiled) { try PyramidTIFF(path: path) }
        #expect(throws: ImagingError.notTiled) { try ImageSourceOpener.open(path: path) }
    }

    @Test func truncatedFileThrowsOnOpenOrRead() throws {
        let spec = FixtureSpec("img-truncated.tif", width: 300, height: 220).with {
            $0.compression = .deflate
            $0.tileSize = 64
            $0.truncateTo = 0.5
        }
        let path = Fixtures.path(try Fixtures.make(spec))
        let tiff: PyramidTIFF
        do {
            tiff = try PyramidTIFF(path: path)
        } catch {
            // The first directory lies after the full-resolution tiles, so it is usually cut off.
            guard case .unreadable(let errorPath, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(!reason.isEmpty && reason != "cannot open", "libtiff's message is kept: \(reason)")
            return
        }
        var failures = 0
        for (resolution, level) in tiff.description.levels.enumerated() {
            for tile in 0..<level.tileCount {
                do { _ = try tiff.readTile(resolution: resolution, tile: tile) } catch { failures += 1 }
            }
        }
        #expect(failures > 0, "a half file opened and decoded completely")
    }

    /// Each truncation either fails to open, or opens with a prefix of the intact file's levels (the directories
    /// after the cut are lost) whose tiles decode or throw an `ImagingError`. Cuts before the first directory,
    /// which follows the full-resolution tiles, always fail somewhere.
    @Test(arguments: [0.1, 0.3, 0.7, 0.9, 0.99])
    func otherTruncationsNeverCrash(fraction: Double) throws {
        let intactSpec = FixtureSpec("img-truncated-intact.tif", width: 200, height: 150).with {
            $0.compression = .lzw
            $0.tileSize = 64
        }
        let intact = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(intactSpec)))
        let spec = intactSpec.with {
            $0.name = "img-truncated-\(Int(fraction * 100)).tif"
            $0.truncateTo = fraction
        }
        let path = Fixtures.path(try Fixtures.make(spec))
        var failures = 0
        let source: any ImageSource
        do {
            source = try ImageSourceOpener.open(path: path)
        } catch {
            guard case .unreadable = error else {
                Issue.record("a cut file is unreadable, not \(error)")
                return
            }
            return
        }
        // Levels run smallest first: the ones that survive are the full resolution and the next ones down.
        let levels = source.description.levels
        #expect(!levels.isEmpty && levels.count <= intact.description.resolutionCount)
        #expect(Array(levels.reversed()) == Array(intact.description.levels.reversed().prefix(levels.count)))
        for (resolution, level) in levels.enumerated() {
            for tile in 0..<level.tileCount {
                do {
                    let pixels = try source.readTile(resolution: resolution, tile: tile)
                    let rect = try #require(level.tileRect(tile))
                    #expect(pixels.width == rect.width && pixels.height == rect.height && pixels.isConsistent)
                } catch {
                    failures += 1
                }
            }
        }
        if fraction < 0.5 { #expect(failures > 0, "a file cut to \(fraction) opened and decoded completely") }
    }

    @Test func textFileIsNotAnImage() throws {
        let path = Fixtures.path(try Fixtures.makeText("img-not-an-image.tif", contents: "hello, I am not a TIFF\n"))
        #expect(throws: ImagingError.unsupportedFormat("unrecognised file signature")) {
            try ImageSourceOpener.open(path: path)
        }
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: path) }
    }

    @Test func emptyAndMissingFiles() throws {
        let empty = Fixtures.path(try Fixtures.makeText("img-empty.tif", contents: ""))
        #expect(throws: ImagingError.unsupportedFormat("unrecognised file signature")) {
            try ImageSourceOpener.open(path: empty)
        }
        let missing = Fixtures.path("img-does-not-exist.tif")
        #expect(throws: ImagingError.unreadable(path: missing, reason: "cannot open")) {
            try ImageSourceOpener.open(path: missing)
        }
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: missing) }
    }

    @Test func jpegFileIsRecognisedAndOpenedAsJPEG() throws {
        let jpeg = try JPEGEncoder().encode(TestPattern.render(width: 16, height: 16, channels: 3, seed: 1))
        let path = Fixtures.path("img-plain.jpg")
        try Data(jpeg).write(to: URL(fileURLWithPath: path))
        #expect(try ImageSourceOpener.sniff(path) == .jpeg)
        #expect(try ImageSourceOpener.open(path: path) is JPEGSource)
    }

    @Test func requestsOutsideThePyramid() throws {
        let spec = FixtureSpec("img-bounds.tif", width: 600, height: 300).with { $0.compression = .none }
        let tiff = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(spec)))
        let count = tiff.description.resolutionCount
        #expect(count == 3)
        #expect(throws: ImagingError.noSuchResolution(-1)) { try tiff.readTile(resolution: -1, tile: 0) }
        #expect(throws: ImagingError.noSuchResolution(3)) { try tiff.readTile(resolution: 3, tile: 0) }
        #expect(throws: ImagingError.noSuchTile(-1)) { try tiff.readTile(resolution: 2, tile: -1) }
        // 600x300 in 256 tiles: 3 across, 2 down.
        #expect(throws: ImagingError.noSuchTile(6)) { try tiff.readTile(resolution: 2, tile: 6) }
        #expect(throws: ImagingError.noSuchTile(1)) { try tiff.readTile(resolution: 0, tile: 1) }
        // The handle still works after the refusals.
        #expect(try tiff.readTile(resolution: 2, tile: 5).width == 88)
    }

    /// A single-tile Deflate file whose compressed data (right after the 8-byte header) is overwritten.
    private func corruptedCopy(_ name: String) throws -> String {
        let spec = FixtureSpec("img-corrupt-source.tif", width: 200, height: 150).with { $0.compression = .deflate }
        let source = Fixtures.path(try Fixtures.make(spec))
        var data = try #require(FileManager.default.contents(atPath: source))
        for index in 8..<40 { data[index] = 0xA5 }
        let path = Fixtures.path(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    // libtiff errors go to the handle that caused them, and the message reaches the thrown error
    @Test func libtiffErrorsAreCapturedPerHandle() throws {
        let good = try PyramidTIFF(
            path: Fixtures.path(
                try Fixtures.make(
                    FixtureSpec("img-corrupt-neighbour.tif", width: 200, height: 150).with { $0.compression = .deflate }
                )))
        let bad = try PyramidTIFF(path: try corruptedCopy("img-corrupt.tif"))
        do {
            _ = try bad.readTile(resolution: 0, tile: 0)
            Issue.record("a corrupted tile decoded")
        } catch {
            guard case .decodeFailed(let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(message.contains("ZIPDecode"), "libtiff's text: \(message)")
            #expect(!message.hasPrefix("cannot read tile"), "the libtiff message was lost: \(message)")
        }
        // The neighbour handle has no error and still decodes.
        #expect(try good.readTile(resolution: 0, tile: 0).width == 200)
    }
}
