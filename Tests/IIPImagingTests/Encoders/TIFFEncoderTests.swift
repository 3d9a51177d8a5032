import CTIFF
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// TIFFEncoder, read back with libtiff over memory.
@Suite struct TIFFEncoderTests {
    static let lossless: [TIFFOutputCompression] = [.none, .lzw, .deflate, .zstd]

    @Test(arguments: lossless, [1, 2, 3, 4])
    func losslessEightBitRoundTrips(compression: TIFFOutputCompression, channels: Int) throws {
        let pixels = TestPattern.render(width: 33, height: 21, channels: channels, seed: UInt64(70 + channels))
        let tiff = try TIFFEncoder(compression: compression, quality: 6).encode(pixels, metadata: EncodingMetadata())
        #expect(
            Array(tiff.prefix(4)) == [0x49, 0x49, 0x2A, 0x00] || Array(tiff.prefix(4)) == [0x4D, 0x4D, 0x00, 0x2A])
        let file = try MemoryTIFF(tiff)
        #expect(file.u32(TIFFTAG_IMAGEWIDTH) == 33 && file.u32(TIFFTAG_IMAGELENGTH) == 21)
        #expect(file.u16(TIFFTAG_SAMPLESPERPIXEL) == UInt16(channels))
        #expect(TIFFNumberOfStrips(file.handle) == 1)
        let expectedCompression: Int32 =
            switch compression {
            case .none: COMPRESSION_NONE
            case .lzw: COMPRESSION_LZW
            case .deflate: COMPRESSION_ADOBE_DEFLATE
            default: COMPRESSION_ZSTD
            }
        #expect(file.u16(TIFFTAG_COMPRESSION) == UInt16(expectedCompression))
        let photometric = channels >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK
        #expect(file.u16(TIFFTAG_PHOTOMETRIC) == UInt16(photometric))
        #expect(file.extraSamples() == (channels % 2 == 0 ? [UInt16(EXTRASAMPLE_UNASSALPHA)] : []))
        #expect(try file.pixels().bytes == pixels.bytes)
    }

    @Test(arguments: lossless, [1, 4])
    func losslessSixteenBitRoundTrips(compression: TIFFOutputCompression, channels: Int) throws {
        let pixels = TestPattern.render(width: 17, height: 13, channels: channels, bits: 16, seed: 75)
        let tiff = try TIFFEncoder(compression: compression).encode(pixels, metadata: EncodingMetadata())
        let file = try MemoryTIFF(tiff)
        #expect(file.u16(TIFFTAG_BITSPERSAMPLE) == 16)
        #expect(samples16(try file.pixels()) == samples16(pixels))
    }

    @Test(arguments: [1, 3, 4])
    func jpegCompressionStaysClose(channels: Int) throws {
        let pixels = TestPattern.render(width: 64, height: 40, channels: channels, seed: 76)
        let tiff = try TIFFEncoder(compression: .jpeg, quality: 90).encode(pixels, metadata: EncodingMetadata())
        let file = try MemoryTIFF(tiff)
        #expect(file.u16(TIFFTAG_COMPRESSION) == UInt16(COMPRESSION_JPEG))
        let photometric = channels == 3 ? PHOTOMETRIC_YCBCR : channels == 1 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB
        #expect(file.u16(TIFFTAG_PHOTOMETRIC) == UInt16(photometric))
        let decoded = try file.pixels()
        #expect(decoded.channels == channels)
        // colour JPEG is YCbCr 4:2:0: luma stays close, saturated colour edges blur
        if channels == 1 {
            #expect(psnr(decoded, pixels) > 30)
        } else {
            #expect(lumaPSNR(bands(decoded, [0, 1, 2]), bands(pixels, [0, 1, 2])) > 30)
            #expect(psnr(decoded, pixels) > 20)
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func webpCompressionStoresColour(channels: Int) throws {
        let pixels = TestPattern.render(width: 48, height: 32, channels: channels, seed: 77)
        let tiff = try TIFFEncoder(compression: .webp, quality: -1).encode(pixels, metadata: EncodingMetadata())
        let file = try MemoryTIFF(tiff)
        #expect(file.u16(TIFFTAG_COMPRESSION) == UInt16(COMPRESSION_WEBP))
        #expect(file.u16(TIFFTAG_PHOTOMETRIC) == UInt16(PHOTOMETRIC_RGB))
        let expected: PixelBuffer =
            switch channels {
            case 1: bands(pixels, [0, 0, 0])
            case 2: bands(pixels, [0, 0, 0, 1])
            default: pixels
            }
        // lossless WebP (quality below 1) is exact, except that libtiff 4.5 cannot ask libwebp to keep the colour of
        // fully transparent pixels
        #expect(Self.visible(try file.pixels()).bytes == Self.visible(expected).bytes)
        let lossy = try MemoryTIFF(
            TIFFEncoder(compression: .webp, quality: 80).encode(pixels, metadata: EncodingMetadata()))
        let colour = [0, 1, 2]
        #expect(lumaPSNR(bands(Self.visible(try lossy.pixels()), colour), bands(Self.visible(expected), colour)) > 28)
    }

    /// `pixels` with the colour of fully transparent RGBA pixels zeroed.
    static func visible(_ pixels: PixelBuffer) -> PixelBuffer {
        guard pixels.channels == 4 else { return pixels }
        var output = pixels
        for pixel in 0..<(pixels.width * pixels.height) where pixels.bytes[pixel * 4 + 3] == 0 {
            for band in 0..<3 { output.bytes[pixel * 4 + band] = 0 }
        }
        return output
    }

    @Test func levelsAreClampedAndMatter() throws {
        let pixels = TestPattern.render(width: 128, height: 96, channels: 3, seed: 78)
        func size(_ compression: TIFFOutputCompression, _ quality: Int) throws -> Int {
            try TIFFEncoder(compression: compression, quality: quality).encode(pixels, metadata: EncodingMetadata())
                .count
        }
        #expect(try size(.deflate, 9) < size(.deflate, 0))
        #expect(try size(.deflate, 50) == size(.deflate, 9))
        #expect(try size(.zstd, 19) <= size(.zstd, 1))
        #expect(try size(.zstd, 0) == size(.zstd, 1))
        #expect(try size(.jpeg, 20) < size(.jpeg, 95))
        #expect(try size(.none, 1) > pixels.bytes.count)
    }

    @Test func writesResolutionICCXMPAndText() throws {
        var fields = sampleFields()
        fields.pageName = "page 1"
        fields.make = "Scanner Co"
        fields.model = "S-1"
        let profile = testICCProfile(length: 2000)
        let metadata = EncodingMetadata(
            iccProfile: profile, xmp: sampleXMP, density: PhysicalResolution(x: 118.5, y: 59.25, unit: .centimetre),
            fields: fields, software: "iipsrv-async/0.1.0")
        let tiff = try TIFFEncoder().encode(
            TestPattern.render(width: 10, height: 10, channels: 3, seed: 79), metadata: metadata)
        let file = try MemoryTIFF(tiff)
        #expect(file.float(TIFFTAG_XRESOLUTION) == 118.5)
        #expect(file.float(TIFFTAG_YRESOLUTION) == 59.25)
        #expect(file.u16(TIFFTAG_RESOLUTIONUNIT) == UInt16(RESUNIT_CENTIMETER))
        #expect(file.bytes(TIFFTAG_ICCPROFILE) == profile)
        #expect(file.bytes(TIFFTAG_XMLPACKET) == Array(sampleXMP.utf8))
        #expect(file.string(TIFFTAG_SOFTWARE) == "iipsrv-async/0.1.0")
        #expect(file.string(TIFFTAG_ARTIST) == "A. Painter")
        #expect(file.string(TIFFTAG_COPYRIGHT) == "(c) 2025 Somebody")
        #expect(file.string(TIFFTAG_DATETIME) == "2025:01:02 03:04:05")
        #expect(file.string(TIFFTAG_IMAGEDESCRIPTION) == fields.description)
        #expect(file.string(TIFFTAG_DOCUMENTNAME) == "Test title")
        #expect(file.string(TIFFTAG_PAGENAME) == "page 1")
        #expect(file.string(TIFFTAG_MAKE) == "Scanner Co")
        #expect(file.string(TIFFTAG_MODEL) == "S-1")

        let plain = try MemoryTIFF(
            TIFFEncoder().encode(PixelBuffer(width: 2, height: 2, channels: 1), metadata: EncodingMetadata()))
        #expect(plain.bytes(TIFFTAG_ICCPROFILE) == nil)
        #expect(plain.string(TIFFTAG_SOFTWARE) == nil)
    }

    @Test func compressionCodesAndNames() {
        #expect(
            (0...6).map { TIFFOutputCompression(iipsrvCode: $0) } == [
                .none, .lzw, .deflate, .jpeg, .webp, .none, .none,
            ])
        #expect(TIFFOutputCompression(name: "ZSTD") == .zstd)
        #expect(TIFFOutputCompression(name: "lzw") == .lzw)
        #expect(TIFFOutputCompression(name: "brotli") == .none)
        #expect(TIFFEncoder().compression == .deflate && TIFFEncoder().quality == 1)
    }

    @Test func refusesWhatTIFFCannotHold() {
        for pixels in unencodableImages() { expectEncodeFailure(TIFFEncoder(), pixels) }
        let deep = TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1)
        expectEncodeFailure(TIFFEncoder(compression: .jpeg, quality: 75), deep)
        expectEncodeFailure(TIFFEncoder(compression: .webp, quality: 75), deep)
        // libtiff's own refusal surfaces as an error too: WebP cannot hold more than 16383 pixels per side
        expectEncodeFailure(
            TIFFEncoder(compression: .webp, quality: 75), PixelBuffer(width: 16400, height: 1, channels: 3))
    }
}
