import CAVIF
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// AVIFEncoder, decoded back in process with libavif (dav1d); every AV1 encoder Debian's libavif links.
@Suite struct AVIFEncoderTests {
    /// The encoders this libavif has (all three in Debian bookworm).
    static let codecs = AVIFCodec.allCases.filter { $0 != .automatic && $0.isAvailable }

    @Test func debianLinksEveryEncoder() {
        #expect(Self.codecs == [.aom, .rav1e, .svt], "\(AVIFCodec.libraryVersions)")
        #expect(AVIFCodec.automatic.encoderName == "aom")
    }

    @Test(arguments: [1, 2, 3, 4])
    func losslessRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 45, height: 29, channels: channels, seed: UInt64(60 + channels))
        let avif = try AVIFEncoder(quality: -1).encode(pixels, metadata: EncodingMetadata())
        #expect(Array(avif[4..<8]) == Array("ftyp".utf8))
        let decoded = try decodeAVIF(avif)
        #expect(decoded.pixels.width == 45 && decoded.pixels.height == 29 && decoded.depth == 8)
        #expect(decoded.fullRange)
        #expect(decoded.hasAlpha == (channels % 2 == 0))
        if channels <= 2 {
            #expect(decoded.yuvFormat == AVIF_PIXEL_FORMAT_YUV400)
        } else {
            #expect(decoded.yuvFormat == AVIF_PIXEL_FORMAT_YUV444)
            #expect(decoded.matrixCoefficients == Int(AVIF_MATRIX_COEFFICIENTS_IDENTITY))
        }
        #expect(decoded.pixels.bytes == pixels.bytes)
    }

    // Every encoder writes lossless exactly (SVT-AV1 cannot: its pictures go to aom).
    @Test(arguments: codecs)
    func everyEncoderIsLosslessAtMinusOne(codec: AVIFCodec) throws {
        let pixels = TestPattern.render(width: 64, height: 64, channels: 3, seed: 65)
        let avif = try AVIFEncoder(quality: -1, codec: codec).encode(pixels, metadata: EncodingMetadata())
        #expect(try decodeAVIF(avif).pixels.bytes == pixels.bytes)
    }

    // 4:2:0 costs the sharp colour edges of the test picture about 28 dB over all samples whatever the quality; luma
    // shows the quality (47 dB at 90, 37 at 50 with aom).
    @Test(arguments: [(90, 42.0), (50, 33.0)])
    func lossyStaysClose(quality: Int, bound: Double) throws {
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 66)
        let avif = try AVIFEncoder(quality: quality).encode(pixels, metadata: EncodingMetadata())
        let decoded = try decodeAVIF(avif)
        #expect(decoded.yuvFormat == AVIF_PIXEL_FORMAT_YUV420)
        #expect(decoded.matrixCoefficients == Int(AVIF_MATRIX_COEFFICIENTS_BT601))
        #expect(lumaPSNR(decoded.pixels, pixels) > bound)
        #expect(psnr(decoded.pixels, pixels) > 25)
    }

    // 4:2:0 at the default quality with each encoder, at a size SVT-AV1 takes, and at one it does not.
    @Test(arguments: codecs, [(256, 256), (45, 29)])
    func everyEncoderWritesLossyColour(codec: AVIFCodec, size: (width: Int, height: Int)) throws {
        let pixels = TestPattern.render(width: size.width, height: size.height, channels: 3, seed: 67)
        let avif = try AVIFEncoder(quality: 50, codec: codec).encode(pixels, metadata: EncodingMetadata())
        let decoded = try decodeAVIF(avif)
        #expect(decoded.yuvFormat == AVIF_PIXEL_FORMAT_YUV420)
        #expect(decoded.pixels.width == size.width && decoded.pixels.height == size.height)
        #expect(lumaPSNR(decoded.pixels, pixels) > (size.width == 256 ? 40 : 30))
        #expect(psnr(decoded.pixels, pixels) > 20)
    }

    @Test(arguments: [1, 2])
    func greyIsMonochrome(channels: Int) throws {
        let pixels = TestPattern.render(width: 80, height: 60, channels: channels, seed: UInt64(68 + channels))
        for codec in Self.codecs {
            let avif = try AVIFEncoder(quality: 50, codec: codec).encode(pixels, metadata: EncodingMetadata())
            let decoded = try decodeAVIF(avif)
            #expect(decoded.yuvFormat == AVIF_PIXEL_FORMAT_YUV400, "\(codec)")
            #expect(decoded.pixels.channels == channels)
            #expect(psnr(bands(decoded.pixels, [0]), bands(pixels, [0])) > 30, "\(codec)")
            if channels == 2 { Self.expectAlphaKept(decoded.pixels, pixels, band: 1, codec: codec) }
        }
    }

    @Test func lossyKeepsAlpha() throws {
        let pixels = TestPattern.render(width: 64, height: 64, channels: 4, seed: 71)
        for codec in Self.codecs {
            let avif = try AVIFEncoder(quality: 40, codec: codec).encode(pixels, metadata: EncodingMetadata())
            let decoded = try decodeAVIF(avif)
            #expect(decoded.hasAlpha && decoded.yuvFormat == AVIF_PIXEL_FORMAT_YUV420)
            Self.expectAlphaKept(decoded.pixels, pixels, band: 3, codec: codec)
        }
    }

    /// Alpha at quantizer 0: exact with aom (which also writes SVT-AV1's transparent pictures), within a few levels
    /// with rav1e.
    static func expectAlphaKept(
        _ decoded: PixelBuffer, _ original: PixelBuffer, band: Int, codec: AVIFCodec,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let got = bands(decoded, [band]).bytes
        let wanted = bands(original, [band]).bytes
        if codec == .rav1e {
            // rav1e 0.5 has no lossless mode: quantizer 0 leaves a level or three off in a fifth of the samples.
            let differences = zip(got, wanted).map { abs(Int($0) - Int($1)) }
            #expect(differences.max() ?? 0 <= 4, sourceLocation: sourceLocation)
            #expect(psnr(bands(decoded, [band]), bands(original, [band])) > 45, sourceLocation: sourceLocation)
        } else {
            #expect(got == wanted, "\(codec)", sourceLocation: sourceLocation)
        }
    }

    @Test func qualityMapsToTheQuantizer() throws {
        #expect(AVIFEncoder(quality: 100).quantizer == 0)
        #expect(AVIFEncoder(quality: 50).quantizer == 32)
        #expect(AVIFEncoder(quality: 0).quantizer == 63)
        #expect(AVIFEncoder(quality: 75).quantizer == 16)
        #expect(AVIFEncoder(quality: 400).quantizer == 0)
        #expect(AVIFEncoder(quality: -1).quantizer == 0 && AVIFEncoder(quality: -7).isLossless)
        #expect(!AVIFEncoder(quality: 0).isLossless && AVIFEncoder().quality == 50)
        let pixels = TestPattern.render(width: 96, height: 64, channels: 3, seed: 72)
        let low = try AVIFEncoder(quality: 5).encode(pixels, metadata: EncodingMetadata())
        let high = try AVIFEncoder(quality: 95).encode(pixels, metadata: EncodingMetadata())
        #expect(low.count < high.count)
        #expect(psnr(try decodeAVIF(low).pixels, pixels) < psnr(try decodeAVIF(high).pixels, pixels))
    }

    @Test func codecsFollowAVIFCodecNumbers() {
        #expect(AVIFCodec(iipsrvCode: 1) == .aom && AVIFCodec(iipsrvCode: 2) == .rav1e)
        #expect(AVIFCodec(iipsrvCode: 3) == .svt && AVIFCodec(iipsrvCode: 0) == .automatic)
        #expect(AVIFCodec(iipsrvCode: 4) == .automatic && AVIFCodec(iipsrvCode: -1) == .automatic)
        #expect(AVIFCodec.resolve(.rav1e)?.codec == .rav1e && AVIFCodec.resolve(.rav1e)?.note == nil)
        func writer(_ codec: AVIFCodec, _ width: Int, _ height: Int, subsampled: Bool = true, alpha: Bool = false)
            -> AVIFCodec
        {
            codec.encoder(width: width, height: height, subsampled: subsampled, alpha: alpha, lossless: false)
        }
        #expect(writer(.svt, 64, 66) == .svt && writer(.svt, 4096, 64) == .svt)
        #expect(writer(.svt, 64, 65) == .aom && writer(.svt, 62, 64) == .aom && writer(.svt, 63, 64) == .aom)
        #expect(writer(.svt, 256, 256, subsampled: false) == .aom && writer(.svt, 256, 256, alpha: true) == .aom)
        #expect(writer(.rav1e, 1, 1, subsampled: false, alpha: true) == .rav1e && writer(.aom, 3, 3) == .aom)
        for codec in AVIFCodec.allCases {
            #expect(codec.encoder(width: 256, height: 256, subsampled: false, alpha: false, lossless: true) == .aom)
        }
    }

    @Test(arguments: [true, false])
    func embedsICCXMPAndEXIF(lossless: Bool) throws {
        let profile = try ICCProfiles.wideGamutRGB()
        let exif: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        let pixels = TestPattern.render(width: 24, height: 20, channels: 3, seed: 73)
        let avif = try AVIFEncoder(quality: lossless ? -1 : 60).encode(
            pixels, metadata: EncodingMetadata(iccProfile: profile, xmp: sampleXMP, exif: exif))
        let decoded = try decodeAVIF(avif)
        #expect(decoded.icc == profile)
        #expect(decoded.xmp == Array(sampleXMP.utf8))
        #expect(decoded.exif == exif)
        // An EXIF block without a TIFF header is left out rather than failing the file.
        let plain = try AVIFEncoder().encode(pixels, metadata: EncodingMetadata(exif: [1, 2, 3, 4, 5, 6, 7, 8, 9]))
        #expect(try decodeAVIF(plain).exif.isEmpty)
        if lossless { #expect(decoded.pixels.bytes == pixels.bytes) }
    }

    // The smallest pictures (a DeepZoom level 0 tile is 1x1) with every encoder, lossy and lossless, grey and colour.
    @Test(arguments: [(1, 1), (1, 2), (2, 1), (3, 5)])
    func tinyPictures(size: (width: Int, height: Int)) throws {
        for channels in [1, 3, 4] {
            let pixels = TestPattern.render(width: size.width, height: size.height, channels: channels, seed: 74)
            for codec in Self.codecs {
                for quality in [-1, 50] {
                    let avif = try AVIFEncoder(quality: quality, codec: codec).encode(pixels, metadata: .init())
                    let decoded = try decodeAVIF(avif)
                    #expect(decoded.pixels.width == size.width && decoded.pixels.height == size.height)
                    if quality < 0 { #expect(decoded.pixels.bytes == pixels.bytes, "\(codec) \(channels)") }
                }
            }
        }
    }

    @Test func refusesWhatAVIFCannotHold() {
        var images = unencodableImages()
        images.append(TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1))
        images.append(PixelBuffer(width: 65537, height: 1, channels: 1))
        for pixels in images { expectEncodeFailure(AVIFEncoder(), pixels) }
    }
}
