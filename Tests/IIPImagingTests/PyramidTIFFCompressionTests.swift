import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Pixel round trips through every tile compression the writer offers, decoded by the reader.
@Suite struct PyramidTIFFCompressionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var spec: FixtureSpec
        /// The TIFF Compression tag value expected on every level.
        var code: Int
        /// `nil` for lossless (exact pixels), else the lowest acceptable luma PSNR in dB.
        var minimumPSNR: Double?
        var testDescription: String { spec.name }
    }

    private static func spec(
        _ name: String, _ compression: PyramidTIFFWriter.Compression, channels: Int, bits: Int = 8,
        _ update: (inout FixtureSpec) -> Void = { _ in }
    ) -> FixtureSpec {
        FixtureSpec("img-codec-\(name).tif", width: 200, height: 130).with {
            $0.compression = compression
            $0.channels = channels
            $0.bits = bits
            $0.tileSize = 64
            update(&$0)
        }
    }

    static let cases: [Case] = [
        Case(spec: spec("none-rgb8", .none, channels: 3), code: 1),
        Case(spec: spec("none-rgb16", .none, channels: 3, bits: 16), code: 1),
        Case(spec: spec("none-grey8", .none, channels: 1), code: 1),
        Case(spec: spec("lzw-rgb8", .lzw, channels: 3), code: 5),
        Case(spec: spec("lzw-grey16", .lzw, channels: 1, bits: 16), code: 5),
        Case(spec: spec("deflate-rgb8", .deflate, channels: 3), code: 8),
        Case(spec: spec("deflate-rgb16", .deflate, channels: 3, bits: 16), code: 8),
        Case(spec: spec("deflate-grey8", .deflate, channels: 1), code: 8),
        Case(spec: spec("deflate-rgba8", .deflate, channels: 4), code: 8),
        Case(spec: spec("deflate-greyalpha8", .deflate, channels: 2), code: 8),
        Case(spec: spec("zstd-rgb8", .zstd, channels: 3), code: 50000),
        Case(spec: spec("zstd-grey16", .zstd, channels: 1, bits: 16), code: 50000),
        Case(spec: spec("miniswhite-grey8", .deflate, channels: 1) { $0.minIsWhite = true }, code: 8),
        Case(spec: spec("miniswhite-grey16", .lzw, channels: 1, bits: 16) { $0.minIsWhite = true }, code: 5),
        Case(spec: spec("jpeg-ycbcr", .jpeg(quality: 90), channels: 3), code: 7, minimumPSNR: 30),
        Case(spec: spec("jpeg-rgb", .jpeg(quality: 90), channels: 3) { $0.jpegAsRGB = true }, code: 7, minimumPSNR: 30),
        Case(spec: spec("jpeg-grey", .jpeg(quality: 90), channels: 1), code: 7, minimumPSNR: 30),
        Case(spec: spec("webp-rgb", .webp(quality: 90), channels: 3), code: 50001, minimumPSNR: 30),
    ]

    // iipsrv-reference §7.1: any compression libtiff decodes; MinIsWhite is inverted back so 0 is black
    @Test(arguments: cases)
    func tilesDecodeToTheWrittenPicture(_ test: Case) throws {
        let tiff = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(test.spec)))
        let description = tiff.description
        #expect(description.levels.map(\.width) == [50, 100, 200])
        #expect(description.levels.map(\.height) == [32, 65, 130])
        #expect(description.channels == test.spec.channels)
        #expect(description.bitsPerSample == test.spec.bits)
        #expect(description.colorSpace == (test.spec.channels >= 3 ? .sRGB : .greyscale))
        #expect(description.sampleFormat == .unsignedInteger)
        #expect(tiff.compressions == [test.code, test.code, test.code])

        let expected = Array(Expected.levels(test.spec, count: 3).reversed())
        for (resolution, level) in description.levels.enumerated() {
            var decoded = PixelBuffer(
                width: level.width, height: level.height, channels: test.spec.channels,
                bitsPerSample: test.spec.bits)
            for tile in 0..<level.tileCount {
                let rect = try #require(level.tileRect(tile))
                let pixels = try tiff.readTile(resolution: resolution, tile: tile)
                #expect(pixels.width == rect.width && pixels.height == rect.height)
                #expect(pixels.bitsPerSample == test.spec.bits)
                decoded.blit(pixels, atX: rect.x, y: rect.y)
            }
            if let minimumPSNR = test.minimumPSNR {
                // Luma is what 4:2:0 chroma subsampling keeps; all bands must still be roughly right.
                let luma = lumaPSNR(decoded, expected[resolution])
                #expect(luma > minimumPSNR, "level \(resolution): luma \(luma) dB")
                let all = psnr(decoded, expected[resolution])
                #expect(all > 22, "level \(resolution): \(all) dB")
            } else {
                #expect(decoded.bytes == expected[resolution].bytes, "level \(resolution) differs")
            }
        }
    }

    @Test func minIsWhiteIsStoredInverted() throws {
        // The file really holds inverted samples, and the reader turns them back.
        let white = Self.spec("miniswhite-twin-w", .none, channels: 1) { $0.minIsWhite = true }
        let path = Fixtures.path(try Fixtures.make(white))
        let data = try #require(FileManager.default.contents(atPath: path))
        // Uncompressed: the first tile's first row follows the 8-byte header.
        let firstRow = Array(data[8..<(8 + 64)])
        let picture = Expected.picture(white)
        #expect(firstRow == picture.bytes[0..<64].map { 255 - $0 })
        let tiff = try PyramidTIFF(path: path)
        #expect(Array(try tiff.readTile(resolution: 2, tile: 0).bytes.prefix(64)) == Array(picture.bytes[0..<64]))
    }

    @Test func greyWebPIsRejectedByLibtiff() throws {
        // libtiff's WebP codec accepts only 3 or 4 8-bit samples: the writer must throw, not write a bad file.
        let spec = Self.spec("webp-grey", .webp(quality: 90), channels: 1)
        do {
            try Fixtures.make(spec)
            Issue.record("grey WebP tiles were written")
        } catch let error as ImagingError {
            guard case .encodeFailed(let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(message.localizedCaseInsensitiveContains("webp"), "\(message)")
        }
    }
}
