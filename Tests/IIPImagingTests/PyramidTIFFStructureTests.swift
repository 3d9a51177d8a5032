import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Level discovery, tile grids and edge-tile cropping of generated pyramid TIFFs.
@Suite struct PyramidTIFFStructureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var spec: FixtureSpec
        /// Expected levels, smallest first.
        var levels: [PyramidLevel]
        var testDescription: String { spec.name }
    }

    static let cases: [Case] = [
        Case(
            spec: FixtureSpec("img-structure-256.tif", width: 1013, height: 677).with {
                $0.compression = .deflate
                $0.channels = 1
                $0.tileSize = 256
            },
            levels: [
                PyramidLevel(width: 253, height: 169, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 506, height: 338, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 1013, height: 677, tileWidth: 256, tileHeight: 256),
            ]),
        Case(
            spec: FixtureSpec("img-structure-512.tif", width: 611, height: 519).with {
                $0.compression = .deflate
                $0.channels = 3
                $0.tileSize = 512
            },
            levels: [
                PyramidLevel(width: 305, height: 259, tileWidth: 512, tileHeight: 512),
                PyramidLevel(width: 611, height: 519, tileWidth: 512, tileHeight: 512),
            ]),
        Case(
            spec: FixtureSpec("img-structure-per-level.tif", width: 517, height: 333).with {
                $0.compression = .lzw
                $0.channels = 1
                $0.levelTileSizes = [128, 64, 32, 32]
            },
            levels: [
                PyramidLevel(width: 32, height: 20, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 64, height: 41, tileWidth: 32, tileHeight: 32),
                PyramidLevel(width: 129, height: 83, tileWidth: 32, tileHeight: 32),
                PyramidLevel(width: 258, height: 166, tileWidth: 64, tileHeight: 64),
                PyramidLevel(width: 517, height: 333, tileWidth: 128, tileHeight: 128),
            ]),
    ]

    // iipsrv-reference §7.1: levels largest first in the file, exact sizes and tile size per level
    @Test(arguments: cases)
    func levelsAndTileSizes(_ test: Case) throws {
        let tiff = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(test.spec)))
        #expect(tiff.description.levels == test.levels)
        #expect(tiff.description.width == test.spec.width)
        #expect(tiff.description.height == test.spec.height)
        #expect(tiff.description.resolutionCount == test.levels.count)
    }

    // iipsrv-reference §2 / §7.1: edge tiles are cropped at the right and bottom, never padded
    @Test(arguments: cases)
    func everyTileDecodesCroppedToItsRect(_ test: Case) throws {
        let tiff = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(test.spec)))
        let expected = Array(Expected.levels(test.spec, count: test.levels.count).reversed())
        for (resolution, level) in tiff.description.levels.enumerated() {
            for tile in 0..<level.tileCount {
                let rect = try #require(level.tileRect(tile))
                let pixels = try tiff.readTile(resolution: resolution, tile: tile)
                #expect(pixels.width == rect.width && pixels.height == rect.height, "r\(resolution) t\(tile)")
                #expect(pixels.channels == test.spec.channels)
                let want = expected[resolution].cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
                #expect(pixels.bytes == want.bytes, "pixels of r\(resolution) t\(tile)")
            }
        }
    }

    @Test func edgeTileRectsOfOddSize() throws {
        let level = PyramidLevel(width: 1013, height: 677, tileWidth: 256, tileHeight: 256)
        #expect(level.tilesAcross == 4)
        #expect(level.tilesDown == 3)
        #expect(level.tileRect(0) == PixelRect(x: 0, y: 0, width: 256, height: 256))
        #expect(level.tileRect(3) == PixelRect(x: 768, y: 0, width: 245, height: 256))
        #expect(level.tileRect(8) == PixelRect(x: 0, y: 512, width: 256, height: 165))
        #expect(level.tileRect(11) == PixelRect(x: 768, y: 512, width: 245, height: 165))
        #expect(level.tileRect(12) == nil)
        #expect(level.tileRect(-1) == nil)
    }

    // iipsrv-reference §7.1: each reduced level is the previous one halved, down to a single tile
    @Test(arguments: cases)
    func levelsHalveDownToOneTile(_ test: Case) throws {
        let tiff = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(test.spec)))
        let levels = tiff.description.levels
        #expect(levels[0].tileCount == 1)
        if levels.count > 1 { #expect(levels[1].tileCount > 1) }
        for index in 1..<levels.count {
            #expect(levels[index - 1].width == levels[index].width / 2)
            #expect(levels[index - 1].height == levels[index].height / 2)
        }
    }

    // iipsrv-reference §7.1: a SubIFD pyramid (OME-TIFF style) gives the same levels as a classic IFD pyramid
    @Test func subIFDAndIFDPyramidsAgree() throws {
        let base = FixtureSpec("img-layout-ifds.tif", width: 420, height: 300).with {
            $0.compression = .zstd
            $0.tileSize = 128
        }
        let sub = base.with {
            $0.name = "img-layout-subifds.tif"
            $0.layout = .subIFDs
        }
        let ifds = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(base)))
        let subIFDs = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(sub)))
        #expect(ifds.description.levels.count == 3)
        #expect(subIFDs.description.levels == ifds.description.levels)
        #expect(subIFDs.compressions == ifds.compressions)
        let expected = Array(Expected.levels(sub, count: 3).reversed())
        for (resolution, level) in subIFDs.description.levels.enumerated() {
            for tile in 0..<level.tileCount {
                let rect = try #require(level.tileRect(tile))
                let pixels = try subIFDs.readTile(resolution: resolution, tile: tile)
                #expect(
                    pixels.bytes
                        == expected[resolution].cropped(
                            x: rect.x, y: rect.y, width: rect.width, height: rect.height
                        ).bytes)
            }
        }
    }

    @Test func bigTIFFReadsLikeClassicTIFF() throws {
        let spec = FixtureSpec("img-bigtiff.tif", width: 530, height: 270).with {
            $0.compression = .deflate
            $0.bigTIFF = true
        }
        let path = Fixtures.path(try Fixtures.make(spec))
        let header = try #require(FileManager.default.contents(atPath: path)).prefix(4)
        #expect(Array(header) == [0x49, 0x49, 0x2B, 0x00])
        #expect(try ImageSourceOpener.sniff(path) == .tiff)
        let tiff = try PyramidTIFF(path: path)
        #expect(
            tiff.description.levels == [
                PyramidLevel(width: 132, height: 67, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 265, height: 135, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 530, height: 270, tileWidth: 256, tileHeight: 256),
            ])
        let expected = Expected.picture(spec)
        let last = tiff.description.levels.count - 1
        let rect = try #require(tiff.description.fullLevel.tileRect(5))
        #expect(rect == PixelRect(x: 512, y: 256, width: 18, height: 14))
        #expect(
            try tiff.readTile(resolution: last, tile: 5).bytes
                == expected.cropped(x: 512, y: 256, width: 18, height: 14).bytes)
    }

    @Test func singleTileImageHasOneLevel() throws {
        let spec = FixtureSpec("img-single-tile.tif", width: 200, height: 120).with { $0.compression = .none }
        let tiff = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(spec)))
        #expect(tiff.description.levels == [PyramidLevel(width: 200, height: 120, tileWidth: 256, tileHeight: 256)])
        #expect(try tiff.readTile(resolution: 0, tile: 0).bytes == Expected.picture(spec).bytes)
    }
}
