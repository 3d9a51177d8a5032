import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// The JPEG source (iipsrv-reference §7.2) against files written by libjpeg-turbo, and against TurboJPEG's own
/// whole-image decode at each DCT scale.
@Suite struct JPEGSourceTests {
    /// 4:2:0, sizes that are not multiples of the 16-pixel iMCU, four levels (three by DCT scaling).
    static let colour = JPEGFixtures.Spec("jpeg-colour.jpg", width: 2001, height: 1333)
    /// A strip: two levels below 1/8 (2x2 and 4x4 averages).
    static let panorama = JPEGFixtures.Spec("jpeg-panorama.jpg", width: 6000, height: 300)
    static let grey = JPEGFixtures.Spec("jpeg-grey.jpg", width: 700, height: 333).with { $0.channels = 1 }
    static let progressive = JPEGFixtures.Spec("jpeg-progressive.jpg", width: 1100, height: 900).with {
        $0.progressive = true
        $0.subsampled = false
    }
    static let cmyk = JPEGFixtures.Spec("jpeg-cmyk.jpg", width: 64, height: 64).with { $0.channels = 4 }
    static let tagged = JPEGFixtures.Spec("jpeg-metadata.jpg", width: 300, height: 200).with {
        $0.icc = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        $0.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>"
        $0.exif = Array("MM\0*\0\0\0\u{8}\0\0".utf8)
        $0.density = (unit: 2, x: 118, y: 59)
    }

    static func open(_ spec: JPEGFixtures.Spec) throws -> JPEGSource {
        try JPEGSource(path: Fixtures.path(try JPEGFixtures.make(spec)))
    }

    /// TurboJPEG's decode of the whole file at 1/`denominator`.
    static func wholeDecode(_ spec: JPEGFixtures.Spec, denominator: Int) throws -> PixelBuffer {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(try JPEGFixtures.make(spec)))))
        return try JPEGDecoder().decode(bytes, scaleDenominator: denominator)
    }

    @Test func levelsAreFloorHalvingsInVirtualTiles() throws {
        let source = try Self.open(Self.colour)
        let sizes = source.description.levels.map { [$0.width, $0.height, $0.tileWidth, $0.tileHeight] }
        #expect(
            sizes == [[250, 166, 256, 256], [500, 333, 256, 256], [1000, 666, 256, 256], [2001, 1333, 256, 256]])
        #expect(source.description.channels == 3)
        #expect(source.description.colorSpace == .sRGB)
        #expect(source.description.bitsPerSample == 8)
        #expect(try ImageSourceOpener.open(path: Fixtures.path(Self.colour.name)) is JPEGSource)
    }

    // Levels 1/1 to 1/8 are libjpeg's scaled decodes, cropped to the level (a scaled size rounds up, a level's
    // rounds down): every tile equals the same area of TurboJPEG's whole decode at that scale.
    @Test(arguments: [colour, grey, progressive])
    func scaledLevelsEqualWholeScaledDecodes(spec: JPEGFixtures.Spec) throws {
        let source = try Self.open(spec)
        let levels = source.description.levels
        for halvings in 0...min(3, levels.count - 1) {
            let resolution = levels.count - 1 - halvings
            let whole = try Self.wholeDecode(spec, denominator: 1 << halvings)
            let level = levels[resolution]
            for tile in 0..<level.tileCount {
                let rect = try #require(level.tileRect(tile))
                let decoded = try source.readTile(resolution: resolution, tile: tile)
                let expected = whole.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
                let equal =
                    decoded.width == rect.width && decoded.height == rect.height && decoded.bytes == expected.bytes
                #expect(equal, "\(spec.name) 1/\(1 << halvings) tile \(tile)")
            }
        }
    }

    // Levels below 1/8 average 2^k-pixel squares of the 1/8 decode.
    @Test func virtualLevelsAverageTheEighthScaleDecode() throws {
        let source = try Self.open(Self.panorama)
        let eighth = try Self.wholeDecode(Self.panorama, denominator: 8)
        #expect(source.description.levels.count == 6)
        for (resolution, block) in [(0, 4), (1, 2)] {
            let rect = try #require(source.description.levels[resolution].tileRect(0))
            let decoded = try source.readTile(resolution: resolution, tile: 0)
            #expect(decoded.width == rect.width && decoded.height == rect.height)
            for (x, y) in [(0, 0), (rect.width - 1, rect.height - 1), (rect.width / 2, rect.height / 3)] {
                for channel in 0..<3 {
                    var sum = 0
                    var count = 0
                    for dy in 0..<block {
                        for dx in 0..<block where x * block + dx < eighth.width && y * block + dy < eighth.height {
                            sum += Int(eighth.bytes[((y * block + dy) * eighth.width + x * block + dx) * 3 + channel])
                            count += 1
                        }
                    }
                    let expected = (sum + count / 2) / count
                    let actual = Int(decoded.bytes[(y * rect.width + x) * 3 + channel])
                    #expect(abs(actual - expected) <= 1, "r\(resolution) (\(x),\(y)) c\(channel)")
                }
            }
        }
    }

    // A region read in one decode equals the tiles it covers.
    @Test func regionsEqualTheirTiles() throws {
        let source = try Self.open(Self.colour)
        #expect(source.regionReading(resolution: 2) == .direct)
        let rect = PixelRect(x: 131, y: 250, width: 700, height: 389)
        let direct = try source.readRegion(resolution: 2, rect: rect)
        let level = source.description.levels[2]
        var tiles: [(index: Int, pixels: PixelBuffer)] = []
        for index in level.tiles(covering: rect) {
            tiles.append((index, try source.readTile(resolution: 2, tile: index)))
        }
        let composed = try PixelBuffer.composing(tiles, rect: rect, level: level)
        let equal = direct.bytes == composed.bytes
        #expect(equal)
        #expect(throws: ImagingError.self) {
            try source.readRegion(resolution: 2, rect: PixelRect(x: 900, y: 0, width: 200, height: 10))
        }
        #expect(throws: ImagingError.self) { try source.readTile(resolution: 9, tile: 0) }
        #expect(throws: ImagingError.self) { try source.readTile(resolution: 3, tile: 10_000) }
    }

    @Test func greyIsOneChannel() throws {
        let source = try Self.open(Self.grey)
        #expect(source.description.channels == 1)
        #expect(source.description.colorSpace == .greyscale)
        #expect(try source.readTile(resolution: 0, tile: 0).channels == 1)
    }

    @Test func iccXMPEXIFAndDensityAreRead() throws {
        let source = try Self.open(Self.tagged)
        #expect(source.description.iccProfile == Self.tagged.icc)
        #expect(source.description.metadata.xmp == Self.tagged.xmp)
        #expect(source.description.exif == Self.tagged.exif)
        #expect(source.description.resolution == PhysicalResolution(x: 118, y: 59, unit: .centimetre))
        let plain = try Self.open(Self.grey)
        #expect(plain.description.iccProfile == nil && plain.description.exif == nil)
        #expect(plain.description.resolution == nil)
    }

    @Test func cmykAndBrokenFilesAreRefused() throws {
        let cmyk = Fixtures.path(try JPEGFixtures.make(Self.cmyk))
        #expect(throws: ImagingError.unsupportedLayout("a CMYK JPEG")) { try JPEGSource(path: cmyk) }
        let garbage = Fixtures.path("jpeg-garbage.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x03, 0x01] + [UInt8](repeating: 0x55, count: 100)).write(
            to: URL(fileURLWithPath: garbage))
        #expect(throws: ImagingError.self) { try JPEGSource(path: garbage) }
        let header = try JPEGFixtures.encode(Self.grey).prefix(600)
        let truncated = Fixtures.path("jpeg-truncated.jpg")
        try Data(header).write(to: URL(fileURLWithPath: truncated))
        // libjpeg fills a truncated scan with grey, as viewers show such files; the header is intact.
        let source = try JPEGSource(path: truncated)
        #expect(try source.readTile(resolution: 1, tile: 0).width == 256)
        #expect(throws: ImagingError.self) { try JPEGSource(path: Fixtures.path("jpeg-missing.jpg")) }
    }

    // Found by FuzzJPEG: a 256-byte file whose header claims 32784 x 51984 pixels took seconds of CPU per tile,
    // decoding grey where its data had ended. A file of fewer bits than its MCUs is refused when it is opened.
    @Test func aFileTooShortForItsSizeIsRefused() throws {
        var bytes = try JPEGFixtures.encode(Self.grey)
        let frame = try #require(bytes.indices.dropLast(8).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        bytes.replaceSubrange(frame + 5..<frame + 9, with: [0x80, 0x10, 0xCB, 0x10])  // height 32784, width 51984
        let claimed = Fixtures.path("jpeg-claims-a-gigapixel.jpg")
        try Data(bytes).write(to: URL(fileURLWithPath: claimed))
        // 26.6 million MCUs of 8 x 8 grey need at least 3.3 MB; the file has the 700 x 333 picture's few KB.
        let mcus = 6498 * 4098
        #expect(bytes.count * 8 < mcus)
        let message = "JPEG: \(bytes.count) bytes cannot hold a 51984x32784 image (\(mcus) MCUs): truncated"
        #expect(throws: ImagingError.unsupportedFormat(message)) { try JPEGSource(path: claimed) }
    }
}
