import IIPImaging
import IIPTestSupport
import Testing

/// WebPEncoder, decoded back with libwebp; chunks read with libwebpmux and by walking the RIFF container.
@Suite struct WebPEncoderTests {
    @Test(arguments: [1, 2, 3, 4])
    func losslessRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 45, height: 29, channels: channels, seed: UInt64(50 + channels))
        let webp = try WebPEncoder(quality: -1).encode(pixels, metadata: EncodingMetadata())
        #expect(Array(webp.prefix(4)) == Array("RIFF".utf8))
        #expect(Array(webp[8..<12]) == Array("WEBP".utf8))
        #expect(riffChunkTypes(webp) == ["VP8L"])
        let alpha = channels == 2 || channels == 4
        let decoded = try WebPDecoding.decode(webp, alpha: alpha)
        #expect(decoded.width == 45 && decoded.height == 29)
        // grey comes back as R = G = B
        let expected: PixelBuffer =
            switch channels {
            case 1: bands(pixels, [0, 0, 0])
            case 2: bands(pixels, [0, 0, 0, 1])
            default: pixels
            }
        #expect(decoded.bytes == expected.bytes)
    }

    @Test func losslessKeepsColourUnderTransparentPixels() throws {
        var pixels = TestPattern.render(width: 16, height: 16, channels: 4, seed: 55)
        for pixel in stride(from: 0, to: 256, by: 3) { pixels.bytes[pixel * 4 + 3] = 0 }
        let webp = try WebPEncoder(quality: 0).encode(pixels, metadata: EncodingMetadata())
        #expect(try WebPDecoding.decode(webp, alpha: true).bytes == pixels.bytes)
    }

    @Test(arguments: [(90, 30.0), (50, 27.0)])
    func lossyStaysClose(quality: Int, bound: Double) throws {
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 56)
        let webp = try WebPEncoder(quality: quality).encode(pixels, metadata: EncodingMetadata())
        #expect(riffChunkTypes(webp) == ["VP8 "])
        let decoded = try WebPDecoding.decode(webp, alpha: false)
        #expect(lumaPSNR(decoded, pixels) > bound)
        #expect(psnr(decoded, pixels) > bound - 6)
    }

    @Test func lossyQualityMatters() throws {
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 57)
        let low = try WebPEncoder(quality: 5).encode(pixels, metadata: EncodingMetadata())
        let high = try WebPEncoder(quality: 95).encode(pixels, metadata: EncodingMetadata())
        #expect(low.count < high.count)
        #expect(
            psnr(try WebPDecoding.decode(low, alpha: false), pixels)
                < psnr(try WebPDecoding.decode(high, alpha: false), pixels))
        #expect(
            try WebPEncoder(quality: 250).encode(pixels, metadata: EncodingMetadata())
                == WebPEncoder(quality: 100)
                .encode(pixels, metadata: EncodingMetadata()))
        #expect(WebPEncoder().quality == 50 && !WebPEncoder().isLossless && WebPEncoder(quality: -1).isLossless)
    }

    @Test func lossyKeepsAlpha() throws {
        let pixels = TestPattern.render(width: 40, height: 40, channels: 4, seed: 58)
        let webp = try WebPEncoder(quality: 80).encode(pixels, metadata: EncodingMetadata())
        #expect(riffChunkTypes(webp).contains("ALPH"))
        let decoded = try WebPDecoding.decode(webp, alpha: true)
        // the alpha plane is compressed losslessly by default
        #expect(bands(decoded, [3]).bytes == bands(pixels, [3]).bytes)
    }

    @Test(arguments: [true, false])
    func embedsICCAndXMPChunks(lossless: Bool) throws {
        let profile = testICCProfile(length: 1000)
        let pixels = TestPattern.render(width: 24, height: 20, channels: 3, seed: 59)
        let webp = try WebPEncoder(quality: lossless ? -1 : 75).encode(
            pixels, metadata: EncodingMetadata(iccProfile: profile, xmp: sampleXMP))
        let types = riffChunkTypes(webp)
        #expect(types.first == "VP8X")
        #expect(types.contains("ICCP") && types.contains("XMP "))
        #expect(littleEndian32(webp, 4) == webp.count - 8)
        let flags = webp[20]
        #expect(flags & 0x20 != 0)  // ICC
        #expect(flags & 0x04 != 0)  // XMP
        #expect(WebPDecoding.chunk(webp, "ICCP") == profile)
        #expect(WebPDecoding.chunk(webp, "XMP ") == Array(sampleXMP.utf8))
        let decoded = try WebPDecoding.decode(webp, alpha: false)
        if lossless { #expect(decoded.bytes == pixels.bytes) } else { #expect(lumaPSNR(decoded, pixels) > 28) }
    }

    @Test func refusesWhatWebPCannotHold() {
        var images = unencodableImages()
        images.append(TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1))
        images.append(PixelBuffer(width: 16384, height: 1, channels: 1))
        for pixels in images { expectEncodeFailure(WebPEncoder(), pixels) }
    }
}
