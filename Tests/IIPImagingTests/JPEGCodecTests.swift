import IIPImaging
import IIPTestSupport
import Testing

/// JPEGEncoder and JPEGDecoder with libjpeg-turbo.
@Suite struct JPEGCodecTests {
    static let rgb = TestPattern.render(width: 97, height: 61, channels: 3, seed: 11)
    static let grey = TestPattern.render(width: 97, height: 61, channels: 1, seed: 12)

    // iipsrv-reference §6.7: 1 or 3 channels, baseline, default Q 75
    @Test(arguments: [1, 3])
    func roundTrip(channels: Int) throws {
        let pixels = channels == 1 ? Self.grey : Self.rgb
        let jpeg = try JPEGEncoder(quality: 90).encode(pixels)
        #expect(Array(jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9])
        let decoder = JPEGDecoder()
        let header = try decoder.header(jpeg)
        #expect(header.width == 97 && header.height == 61 && header.channels == channels)
        let decoded = try decoder.decode(jpeg)
        #expect(decoded.width == 97 && decoded.height == 61 && decoded.channels == channels)
        // 4:2:0 chroma subsampling blurs the pattern's saturated colour edges: luma must be close, colour near.
        #expect(lumaPSNR(decoded, pixels) > 30)
        #expect(psnr(decoded, pixels) > (channels == 1 ? 30 : 22))
    }

    @Test func defaultQualityIs75() {
        #expect(JPEGEncoder().quality == 75)
        #expect(JPEGEncoder().density == nil)
    }

    @Test func higherQualityMeansLargerAndCloser() throws {
        let low = try JPEGEncoder(quality: 10).encode(Self.rgb)
        let high = try JPEGEncoder(quality: 95).encode(Self.rgb)
        #expect(low.count < high.count)
        #expect(psnr(try JPEGDecoder().decode(low), Self.rgb) < psnr(try JPEGDecoder().decode(high), Self.rgb))
    }

    // iipsrv-reference §2.1 (QLT): out-of-range qualities are clamped to 1...100, not refused
    @Test func qualityIsClamped() throws {
        #expect(try JPEGEncoder(quality: 0).encode(Self.rgb) == JPEGEncoder(quality: 1).encode(Self.rgb))
        #expect(try JPEGEncoder(quality: -20).encode(Self.grey) == JPEGEncoder(quality: 1).encode(Self.grey))
        #expect(try JPEGEncoder(quality: 150).encode(Self.rgb) == JPEGEncoder(quality: 100).encode(Self.rgb))
    }

    // iipsrv-reference §6.6: DPI goes into the JFIF APP0 density fields
    @Test(arguments: [1, 3])
    func densityLandsInJFIF(channels: Int) throws {
        let pixels = channels == 1 ? Self.grey : Self.rgb
        let density = JPEGDensity(unit: 2, x: 10, y: 0x1234)
        let jpeg = try JPEGEncoder(quality: 80, density: density).encode(pixels)
        #expect(Array(jpeg[2...3]) == [0xFF, 0xE0])
        #expect(Array(jpeg[6...10]) == Array("JFIF\0".utf8))
        #expect(jpeg[13] == 2)
        #expect(Array(jpeg[14...17]) == [0x00, 0x0A, 0x12, 0x34])
        let plain = try JPEGEncoder(quality: 80).encode(pixels)
        #expect(jpeg.count == plain.count)
        #expect(Array(jpeg[18...]) == Array(plain[18...]))
        #expect(try JPEGDecoder().decode(jpeg).bytes == JPEGDecoder().decode(plain).bytes)
    }

    @Test(arguments: [(1, 97, 61), (2, 49, 31), (4, 25, 16), (8, 13, 8), (3, 97, 61)])
    func scaledDecode(denominator: Int, width: Int, height: Int) throws {
        let jpeg = try JPEGEncoder(quality: 90).encode(Self.rgb)
        let decoded = try JPEGDecoder().decode(jpeg, scaleDenominator: denominator)
        #expect(decoded.width == width && decoded.height == height)
    }

    @Test func refusesWhatJPEGCannotHold() {
        let alpha = TestPattern.render(width: 8, height: 8, channels: 4, seed: 1)
        let twoBand = TestPattern.render(width: 8, height: 8, channels: 2, seed: 1)
        let deep = TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1)
        for pixels in [alpha, twoBand, deep] {
            #expect(throws: ImagingError.self) { try JPEGEncoder().encode(pixels) }
        }
        #expect(throws: ImagingError.self) {
            try JPEGEncoder().encode(PixelBuffer(width: 0, height: 0, channels: 3))
        }
    }

    @Test func garbageDoesNotDecode() throws {
        #expect(throws: ImagingError.self) { try JPEGDecoder().decode([]) }
        #expect(throws: ImagingError.self) { try JPEGDecoder().decode(Array("not a jpeg at all".utf8)) }
        let jpeg = try JPEGEncoder().encode(Self.rgb)
        #expect(throws: ImagingError.self) { try JPEGDecoder().header(Array(jpeg.prefix(20))) }
    }
}
