import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// The JPEG 2000 source against files written by Debian's `opj_compress` and `ojph_compress`, and against
/// OpenJPEG's own whole-image decode (`opj_decompress -r`) for the reduced levels (iipsrv-reference §7.3).
@Suite struct JPEG2000SourceTests {
    static let lossless = JPEG2000Fixtures.Spec("j2-lossless.jp2", width: 1000, height: 700).with {
        $0.tileSize = 256
        $0.precincts = [128, 64]
        $0.order = "RPCL"
    }
    static let fewLevels = JPEG2000Fixtures.Spec("j2-two-resolutions.jp2", width: 1000, height: 700).with {
        $0.resolutions = 2
    }
    static let layered = JPEG2000Fixtures.Spec("j2-layers.jp2", width: 600, height: 400).with {
        $0.rates = [80, 20, 5]
        $0.resolutions = 4
    }
    static let grey12 = JPEG2000Fixtures.Spec("j2-grey12.jp2", width: 300, height: 200).with {
        $0.channels = 1
        $0.precision = 12
        $0.resolutions = 3
    }
    static let codestream = JPEG2000Fixtures.Spec("j2-raw.j2k", width: 530, height: 270).with { $0.resolutions = 3 }
    static let highThroughput = JPEG2000Fixtures.Spec("j2-ht.j2c", width: 530, height: 270).with {
        $0.highThroughput = true
        $0.resolutions = 4
    }

    static func open(_ spec: JPEG2000Fixtures.Spec, layers: Int = 0) throws -> JPEG2000Source {
        let name = try JPEG2000Fixtures.make(spec)
        return try JPEG2000Source(path: Fixtures.path(name), layers: layers)
    }

    @Test func levelsAreIipsrvsFloorHalvings() throws {
        let source = try Self.open(Self.lossless)
        let sizes = source.description.levels.map { [$0.width, $0.height, $0.tileWidth, $0.tileHeight] }
        #expect(sizes == [[250, 175, 256, 256], [500, 350, 256, 256], [1000, 700, 256, 256]])
        #expect(source.description.channels == 3)
        #expect(source.description.bitsPerSample == 8)
        #expect(source.description.colorSpace == .sRGB)
        #expect(source.codestreamResolutions == 6)
        #expect(try ImageSourceOpener.open(path: Fixtures.path(Self.lossless.name)) is JPEG2000Source)
    }

    @Test func fullResolutionTilesEqualTheLosslessPicture() throws {
        let source = try Self.open(Self.lossless)
        let picture = JPEG2000Fixtures.picture(Self.lossless)
        let level = source.description.fullLevel
        for tile in 0..<level.tileCount {
            let rect = try #require(level.tileRect(tile))
            let decoded = try source.readTile(resolution: 2, tile: tile)
            let expected = picture.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
            #expect(decoded.width == rect.width && decoded.height == rect.height, "tile \(tile)")
            let equal = decoded.bytes == expected.bytes
            #expect(equal, "tile \(tile)")
        }
    }

    @Test func reducedLevelsEqualOpenJPEGsWholeImageDecode() throws {
        let source = try Self.open(Self.lossless)
        for (resolution, reduce) in [(1, 1), (0, 2)] {
            let whole = try Self.decompressed(Self.lossless.name, reduce: reduce)
            let level = source.description.levels[resolution]
            // OpenJPEG's level is ceil-halved; iipsrv's (and ours) floor-halved: compare over ours.
            #expect(whole.width >= level.width && whole.height >= level.height)
            for tile in 0..<level.tileCount {
                let rect = try #require(level.tileRect(tile))
                let decoded = try source.readTile(resolution: resolution, tile: tile)
                let expected = whole.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
                let equal = decoded.bytes == expected.bytes
                #expect(equal, "resolution \(resolution) tile \(tile)")
            }
        }
    }

    @Test func regionsAreDecodedInOneArea() throws {
        let source = try Self.open(Self.lossless)
        let rect = PixelRect(x: 37, y: 91, width: 301, height: 222)
        let direct = try source.readRegion(resolution: 1, rect: rect)
        let whole = try Self.decompressed(Self.lossless.name, reduce: 1)
        let equal = direct.bytes == whole.cropped(x: 37, y: 91, width: 301, height: 222).bytes
        #expect(equal)
    }

    @Test func virtualLevelsAverageTheSmallestRealLevel() throws {
        let source = try Self.open(Self.fewLevels)
        #expect(source.codestreamResolutions == 2)
        #expect(source.description.levels.count == 3)
        let smallestReal = try Self.decompressed(Self.fewLevels.name, reduce: 1)
        let virtual = try source.readTile(resolution: 0, tile: 0)
        #expect(virtual.width == 250 && virtual.height == 175)
        for (x, y) in [(0, 0), (17, 33), (249, 174), (120, 80)] {
            for channel in 0..<3 {
                var sum = 0
                for dy in 0..<2 {
                    for dx in 0..<2 {
                        sum += Int(smallestReal.bytes[((2 * y + dy) * smallestReal.width + 2 * x + dx) * 3 + channel])
                    }
                }
                #expect(Int(virtual.bytes[(y * 250 + x) * 3 + channel]) == (sum + 2) / 4, "(\(x), \(y))")
            }
        }
    }

    @Test func virtualLevelsAreBoundedBeforeDecoding() throws {
        let name = try JPEG2000Fixtures.make(Self.fewLevels)
        // The virtual level decodes 2x2 times its rectangle at 32 bits a sample: 500 x 350 x 3 x 4 = 2.1 MB.
        let source = try JPEG2000Source(path: Fixtures.path(name), limits: ImageLimits(maxTileBytes: 2_000_000))
        #expect(throws: ImagingError.self) { try source.readTile(resolution: 0, tile: 0) }
        #expect(try source.readTile(resolution: 1, tile: 0).width == 256)
    }

    @Test func twelveBitSamplesAreWidenedToSixteen() throws {
        let source = try Self.open(Self.grey12)
        #expect(source.description.bitsPerSample == 16)
        #expect(source.description.colorSpace == .greyscale)
        #expect(source.description.maxValues == [65535])
        let picture = JPEG2000Fixtures.picture(Self.grey12)
        let decoded = try source.readTile(resolution: source.description.levels.count - 1, tile: 0)
        let stored = picture.bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        let widened = decoded.bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        let expected = stored.prefix(256).map { $0 << 4 | $0 >> 8 }
        // The first row of the first tile.
        #expect(Array(widened.prefix(256)) == Array(expected))
        #expect(stored.max()! <= 4095)
    }

    @Test func qualityLayersFollowMaxLayers() throws {
        #expect(JPEG2000Source.decodedLayers(requested: 0, available: 3) == 2)
        #expect(JPEG2000Source.decodedLayers(requested: 0, available: 1) == 1)
        #expect(JPEG2000Source.decodedLayers(requested: -1, available: 3) == 0)
        #expect(JPEG2000Source.decodedLayers(requested: 5, available: 3) == 3)
        #expect(JPEG2000Source.decodedLayers(requested: 1, available: 3) == 1)
        let picture = JPEG2000Fixtures.picture(Self.layered)
        let full = Self.layered.name
        var quality: [Double] = []
        for layers in [1, 0, -1] {
            let source = try JPEG2000Source(
                path: Fixtures.path(try JPEG2000Fixtures.make(Self.layered)), layers: layers)
            #expect(source.qualityLayers == 3)
            let decoded = try source.readRegion(
                resolution: source.description.levels.count - 1, rect: PixelRect(x: 0, y: 0, width: 600, height: 400))
            quality.append(psnr(decoded, picture))
        }
        // One layer, two (the default), all three: never further from the picture, and all three closer than one
        // (a smooth picture may need no third layer, so two and three can be equal).
        #expect(quality[0] <= quality[1] && quality[1] <= quality[2] && quality[0] < quality[2], "\(full): \(quality)")
    }

    // iipsrv-reference §2.1 (LYR) and §7.3: LYR counts only below a positive MAX_LAYERS.
    @Test func lyrFollowsIipsrvUnderMaxLayers() throws {
        #expect(JPEG2000Source.requestedLayers(maximum: 0, lyr: 1) == 1)
        #expect(JPEG2000Source.requestedLayers(maximum: 0, lyr: nil) == 0)
        #expect(JPEG2000Source.requestedLayers(maximum: -1, lyr: nil) == -1)
        #expect(JPEG2000Source.requestedLayers(maximum: -1, lyr: 2) == 2)
        #expect(JPEG2000Source.requestedLayers(maximum: 2, lyr: 1) == 1)
        #expect(JPEG2000Source.requestedLayers(maximum: 2, lyr: 3) == 2)
        #expect(JPEG2000Source.requestedLayers(maximum: 2, lyr: 0) == 2)
        let path = Fixtures.path(try JPEG2000Fixtures.make(Self.layered))
        let source = try JPEG2000Source(path: path)
        let onlyOne = try JPEG2000Source(path: path, layers: 1)
        let full = source.description.levels.count - 1
        let asked = try source.readTile(resolution: full, tile: 0, layers: 1)
        let equal = asked.bytes == (try onlyOne.readTile(resolution: full, tile: 0)).bytes
        #expect(equal)
        let different = asked.bytes != (try source.readTile(resolution: full, tile: 0, layers: 3)).bytes
        #expect(different)
    }

    @Test func rawCodestreamsAndHTJ2KDecode() throws {
        for spec in [Self.codestream, Self.highThroughput] {
            let source = try Self.open(spec)
            let picture = JPEG2000Fixtures.picture(spec)
            let decoded = try source.readRegion(
                resolution: source.description.levels.count - 1, rect: PixelRect(x: 0, y: 0, width: 530, height: 270))
            let equal = decoded.bytes == picture.bytes
            #expect(equal, "\(spec.name)")
        }
    }

    @Test func iccProfileAndXMPAreRead() throws {
        let pixels = TestPattern.render(width: 300, height: 200, channels: 3, seed: 7)
        let icc = [UInt8](repeating: 0x5A, count: 300)
        let metadata = EncodingMetadata(iccProfile: icc)
        var bytes = try JPEG2000Encoder().encode(pixels, metadata: metadata)
        let xmp = "<x:xmpmeta xmlns:x='adobe:ns:meta/'>j2 test</x:xmpmeta>"
        let content = JP2Boxes.xmpUUID + Array(xmp.utf8)
        let length = UInt32(8 + content.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        bytes += Array("uuid".utf8) + content
        let path = Fixtures.path("j2-icc-xmp.jp2")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let source = try JPEG2000Source(path: path)
        #expect(source.description.iccProfile == icc)
        #expect(source.description.metadata.xmp == xmp)
        let decoded = try source.readRegion(resolution: 1, rect: PixelRect(x: 0, y: 0, width: 300, height: 200))
        let equal = decoded.bytes == pixels.bytes
        #expect(equal)
    }

    @Test func damagedAndHostileFilesAreRefused() throws {
        let name = try JPEG2000Fixtures.make(Self.lossless)
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(name)))
        // Cut in the middle of the codestream: opening works (the header is intact), decoding fails cleanly.
        let truncated = Fixtures.path("j2-truncated.jp2")
        try original.prefix(original.count / 3).write(to: URL(fileURLWithPath: truncated))
        if let source = try? JPEG2000Source(path: truncated) {
            var failures = 0
            let level = source.description.fullLevel
            for tile in 0..<level.tileCount {
                do { _ = try source.readTile(resolution: 2, tile: tile) } catch { failures += 1 }
            }
            #expect(failures > 0)
        }
        // A SIZ marker claiming 10^6 x 10^6 pixels over the same small codestream.
        var bytes = [UInt8](original)
        let siz = try #require(Self.offset(of: [0xFF, 0x4F, 0xFF, 0x51], in: bytes))
        for (offset, value) in [(siz + 8, 1_000_000), (siz + 12, 1_000_000)] {
            for index in 0..<4 { bytes[offset + index] = UInt8(value >> (24 - 8 * index) & 0xFF) }
        }
        let huge = Fixtures.path("j2-huge.jp2")
        try Data(bytes).write(to: URL(fileURLWithPath: huge))
        #expect(throws: ImagingError.self) { try JPEG2000Source(path: huge) }
        // An image origin beyond OpenJPEG's 32-bit signed coordinates (XOsiz = 3 x 10^9, Xsiz = XOsiz + 1000).
        var shifted = [UInt8](original)
        for (offset, value) in [(siz + 8, 3_000_001_000), (siz + 16, 3_000_000_000)] {
            for index in 0..<4 { shifted[offset + index] = UInt8(value >> (24 - 8 * index) & 0xFF) }
        }
        let far = Fixtures.path("j2-far-origin.jp2")
        try Data(shifted).write(to: URL(fileURLWithPath: far))
        #expect(throws: ImagingError.self) { try JPEG2000Source(path: far) }
        // Garbage after a valid signature.
        let garbage = Fixtures.path("j2-garbage.jp2")
        try Data(Array(original.prefix(12)) + [UInt8](repeating: 0xA7, count: 4000)).write(
            to: URL(fileURLWithPath: garbage))
        #expect(throws: ImagingError.self) { try JPEG2000Source(path: garbage) }
    }

    // MARK: - Helpers

    /// OpenJPEG's whole-image decode at reduce factor `reduce`, through `opj_decompress`.
    static func decompressed(_ name: String, reduce: Int) throws -> PixelBuffer {
        // A name of its own per call: tests run in parallel, and two of them decode the same file at the same
        // reduction (one removed the other's output in a CI run).
        let output = Fixtures.path("\(name)-r\(reduce)-\(UUID().uuidString).ppm")
        defer { try? FileManager.default.removeItem(atPath: output) }
        try JPEG2000Fixtures.run(
            "/usr/bin/opj_decompress", ["-i", Fixtures.path(name), "-o", output, "-r", "\(reduce)"])
        return try readPPM(output)
    }

    /// An 8-bit binary PPM.
    static func readPPM(_ path: String) throws -> PixelBuffer {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var fields: [String] = []
        var index = 0
        while fields.count < 4, index < data.count {
            while index < data.count, data[index] == 0x20 || data[index] == 0x0A || data[index] == 0x0D {
                index += 1
            }
            if data[index] == UInt8(ascii: "#") {  // a comment, to the end of the line
                while index < data.count, data[index] != 0x0A { index += 1 }
                continue
            }
            var field = ""
            while index < data.count, data[index] != 0x20, data[index] != 0x0A, data[index] != 0x0D {
                field.append(Character(UnicodeScalar(data[index])))
                index += 1
            }
            fields.append(field)
        }
        index += 1
        let width = try #require(Int(fields[1]))
        let height = try #require(Int(fields[2]))
        #expect(fields[0] == "P6" && fields[3] == "255")
        return PixelBuffer(
            width: width, height: height, channels: 3, bytes: Array(data[index..<(index + width * height * 3)]))
    }

    static func offset(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count)
        where bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start
        }
        return nil
    }
}
