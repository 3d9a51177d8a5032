import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// The watermark's premultiplication and additive blend (iipsrv-reference §6.5).
@Suite struct WatermarkTests {
    static func picture(_ width: Int, _ height: Int, channels: Int, value: UInt8) -> PixelBuffer {
        var pixels = PixelBuffer(width: width, height: height, channels: channels, bitsPerSample: 8)
        pixels.bytes = [UInt8](repeating: value, count: pixels.bytes.count)
        return pixels
    }

    @Test func colourIsPremultipliedByOpacityAndAlphaRoundingDown() throws {
        var rgba = Self.picture(2, 1, channels: 4, value: 0)
        rgba.bytes = [200, 100, 51, 128, 255, 255, 255, 0]
        let watermark = try Watermark(picture: rgba, opacity: 0.5)
        // 200 * 0.5 * 128 / 255 = 50.19...; a transparent pixel adds nothing.
        #expect(watermark.rgb == [50, 25, 12, 0, 0, 0])
    }

    @Test func blendAddsAndCapsLeavingAlphaAlone() throws {
        let watermark = try Watermark(picture: Self.picture(2, 2, channels: 3, value: 100), opacity: 1)
        var rgba = Self.picture(3, 3, channels: 4, value: 200)
        watermark.blend(into: &rgba, x: 1, y: 1)
        #expect(Array(rgba.bytes[0..<4]) == [200, 200, 200, 200])
        let inside = (1 * 3 + 1) * 4
        #expect(Array(rgba.bytes[inside..<(inside + 4)]) == [255, 255, 255, 200])
        var grey = Self.picture(2, 2, channels: 1, value: 10)
        watermark.blend(into: &grey, x: 0, y: 0)
        #expect(grey.bytes == [110, 110, 110, 110])
        var wide = PixelBuffer(width: 1, height: 1, channels: 1, bitsPerSample: 16)
        wide.bytes = [0x00, 0x10]  // 4096
        watermark.blend(into: &wide, x: 0, y: 0)
        let value = wide.bytes.withUnsafeBytes { $0.load(as: UInt16.self) }
        #expect(value == 4096 + 100 * 256)
    }

    @Test func tilesAreMarkedAtTheirRateInsideTheTile() throws {
        let watermark = try Watermark(picture: Self.picture(16, 16, channels: 3, value: 50), opacity: 1)
        var generator = SystemRandomNumberGenerator()
        let plain = Self.picture(64, 48, channels: 3, value: 10)
        var never = plain
        watermark.mark(tile: &never, probability: 0, using: &generator)
        #expect(never == plain)
        var marked = 0
        for _ in 0..<400 {
            var tile = plain
            watermark.mark(tile: &tile, probability: 0.25, using: &generator)
            let changed = zip(tile.bytes, plain.bytes).filter { $0 != $1 }.count
            #expect(changed == 0 || changed == 16 * 16 * 3)
            if changed > 0 { marked += 1 }
        }
        // Binomial(400, 0.25): 100 expected, standard deviation 8.7; outside 50...150 is beyond 5.7 sigma.
        #expect((50...150).contains(marked), "\(marked) of 400")
        var export = Self.picture(100, 100, channels: 3, value: 10)
        watermark.mark(export: &export, block: 40, probability: 1, using: &generator)
        // Nine 40-pixel blocks (the last row and column 20 wide), each marked once.
        #expect(export.bytes.filter { $0 == 60 }.count == 9 * 16 * 16 * 3)
    }

    @Test func aTIFFWatermarkIsReadWithItsAlpha() throws {
        var rgba = Self.picture(20, 10, channels: 4, value: 255)
        for pixel in 0..<200 { rgba.bytes[pixel * 4 + 3] = pixel < 100 ? 255 : 0 }
        let path = Fixtures.path("watermark-rgba.tif")
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        try writer.write(rgba, to: path)
        let watermark = try Watermark(path: path, opacity: 0.5)
        #expect(watermark.width == 20 && watermark.height == 10)
        #expect(Array(watermark.rgb[0..<3]) == [127, 127, 127])
        #expect(Array(watermark.rgb[(150 * 3)..<(150 * 3 + 3)]) == [0, 0, 0])
        #expect(throws: ImagingError.self) { try Watermark(path: Fixtures.path("no-watermark.tif"), opacity: 1) }
    }
}
