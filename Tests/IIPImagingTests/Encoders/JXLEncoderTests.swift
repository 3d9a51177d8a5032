import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// JXLEncoder, decoded back in process with libjxl.
@Suite struct JXLEncoderTests {
    @Test(arguments: [1, 2, 3, 4])
    func losslessRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 45, height: 29, channels: channels, seed: UInt64(80 + channels))
        let jxl = try JXLEncoder(quality: -1).encode(pixels, metadata: EncodingMetadata())
        // A bare codestream when there is no metadata box to carry.
        #expect(jxl.starts(with: [0xFF, 0x0A]))
        let decoded = try decodeJXL(jxl)
        #expect(!decoded.isContainer && decoded.usesOriginalProfile)
        #expect(decoded.colourChannels == (channels >= 3 ? 3 : 1))
        #expect(decoded.alphaBits == (channels % 2 == 0 ? 8 : 0))
        #expect(decoded.pixels.width == 45 && decoded.pixels.height == 29)
        #expect(decoded.pixels.bytes == pixels.bytes)
    }

    // Measured on this picture: luma 42 dB at 90, 38 at 75, 35.5 at 50; all samples 31, 28, 26.
    @Test(arguments: [(90, 38.0, 28.0), (75, 35.0, 25.0), (50, 32.0, 23.0)])
    func lossyStaysClose(quality: Int, luma: Double, all: Double) throws {
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 86)
        let jxl = try JXLEncoder(quality: quality).encode(pixels, metadata: EncodingMetadata())
        let decoded = try decodeJXL(jxl)
        #expect(!decoded.usesOriginalProfile && decoded.hasEncodedColour)
        #expect(lumaPSNR(decoded.pixels, pixels) > luma)
        #expect(psnr(decoded.pixels, pixels) > all)
    }

    @Test(arguments: [1, 2])
    func greyStaysGrey(channels: Int) throws {
        let pixels = TestPattern.render(width: 70, height: 50, channels: channels, seed: UInt64(87 + channels))
        let decoded = try decodeJXL(try JXLEncoder().encode(pixels, metadata: EncodingMetadata()))
        #expect(decoded.colourChannels == 1 && decoded.pixels.channels == channels)
        #expect(psnr(bands(decoded.pixels, [0]), bands(pixels, [0])) > 30)
        if channels == 2 { #expect(psnr(bands(decoded.pixels, [1]), bands(pixels, [1])) > 40) }
    }

    @Test func lossyKeepsAlpha() throws {
        let pixels = TestPattern.render(width: 64, height: 64, channels: 4, seed: 90)
        let decoded = try decodeJXL(try JXLEncoder(quality: 60).encode(pixels, metadata: EncodingMetadata()))
        #expect(decoded.alphaBits == 8)
        #expect(psnr(bands(decoded.pixels, [3]), bands(pixels, [3])) > 40)
    }

    @Test func qualityMapsToTheDistance() throws {
        #expect(abs(JXLEncoder(quality: 75).distance - 2.35) < 1e-5)
        #expect(abs(JXLEncoder(quality: 90).distance - 1.0) < 1e-5)
        #expect(abs(JXLEncoder(quality: 100).distance - 0.1) < 1e-5)
        #expect(abs(JXLEncoder(quality: 30).distance - 6.4) < 1e-5)
        #expect(abs(JXLEncoder(quality: 20).distance - 9.0667) < 1e-3)
        #expect(
            JXLEncoder(quality: 0).distance == 15
                && JXLEncoder(quality: 900).distance == JXLEncoder(quality: 100).distance)
        #expect(JXLEncoder(quality: -1).isLossless && JXLEncoder(quality: -1).distance == 0)
        #expect(JXLEncoder().quality == 75 && !JXLEncoder(quality: 0).isLossless)
        #expect(JXLEncoder(quality: -1).effort == 1 && JXLEncoder().effort == 3)
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 91)
        let low = try JXLEncoder(quality: 10).encode(pixels, metadata: EncodingMetadata())
        let high = try JXLEncoder(quality: 95).encode(pixels, metadata: EncodingMetadata())
        #expect(low.count < high.count)
        #expect(psnr(try decodeJXL(low).pixels, pixels) < psnr(try decodeJXL(high).pixels, pixels))
    }

    // A real profile is kept byte for byte (lossless output stays in its colour space, exactly).
    @Test(arguments: [true, false])
    func embedsTheICCProfile(lossless: Bool) throws {
        let profile = try ICCProfiles.wideGamutRGB()
        let pixels = TestPattern.render(width: 40, height: 30, channels: 3, seed: 92)
        let jxl = try JXLEncoder(quality: lossless ? -1 : 80).encode(
            pixels, metadata: EncodingMetadata(iccProfile: profile))
        let decoded = try decodeJXL(jxl)
        #expect(decoded.originalICC == profile)
        #expect(!decoded.hasEncodedColour)
        if lossless { #expect(decoded.pixels.bytes == pixels.bytes) }
        let grey = TestPattern.render(width: 40, height: 30, channels: 1, seed: 93)
        let greyProfile = try ICCProfiles.grey()
        let greyJXL = try JXLEncoder(quality: -1).encode(grey, metadata: EncodingMetadata(iccProfile: greyProfile))
        #expect(try decodeJXL(greyJXL).originalICC == greyProfile)
    }

    // A profile libjxl cannot parse (no tags) is left out: the picture is labelled sRGB and still written.
    @Test func aProfileLibjxlRefusesIsLeftOut() throws {
        let pixels = TestPattern.render(width: 40, height: 30, channels: 3, seed: 94)
        let jxl = try JXLEncoder(quality: -1).encode(pixels, metadata: EncodingMetadata(iccProfile: testICCProfile()))
        let decoded = try decodeJXL(jxl)
        #expect(decoded.hasEncodedColour)
        #expect(decoded.pixels.bytes == pixels.bytes)
    }

    @Test func xmpAndEXIFGoIntoBoxes() throws {
        let exif: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 95)
        let jxl = try JXLEncoder().encode(pixels, metadata: EncodingMetadata(xmp: sampleXMP, exif: exif))
        #expect(jxl.starts(with: [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
        let decoded = try decodeJXL(jxl)
        #expect(decoded.isContainer)
        #expect(decoded.boxes["xml "] == Array(sampleXMP.utf8))
        #expect(decoded.boxes["Exif"] == [0, 0, 0, 0] + exif)
        #expect(lumaPSNR(decoded.pixels, pixels) > 34)
    }

    // The smallest pictures (a DeepZoom level 0 tile is 1x1), lossy and lossless, grey and colour.
    @Test(arguments: [(1, 1), (1, 2), (2, 1), (3, 5)])
    func tinyPictures(size: (width: Int, height: Int)) throws {
        for channels in [1, 2, 3, 4] {
            let pixels = TestPattern.render(width: size.width, height: size.height, channels: channels, seed: 96)
            for quality in [-1, 75] {
                let decoded = try decodeJXL(try JXLEncoder(quality: quality).encode(pixels, metadata: .init()))
                #expect(decoded.pixels.width == size.width && decoded.pixels.height == size.height)
                if quality < 0 { #expect(decoded.pixels.bytes == pixels.bytes, "\(channels) channels") }
            }
        }
    }

    @Test func refusesWhatJPEGXLCannotHold() {
        var images = unencodableImages()
        images.append(TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1))
        for pixels in images { expectEncodeFailure(JXLEncoder(), pixels) }
    }
}
