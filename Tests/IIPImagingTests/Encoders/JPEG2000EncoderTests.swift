import COpenJPEG
import IIPTestSupport
import Testing

@testable import IIPImaging

/// JPEG2000Encoder, decoded back with OpenJPEG from memory.
@Suite struct JPEG2000EncoderTests {
    static let signature: [UInt8] = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]

    @Test(arguments: [1, 2, 3, 4])
    func losslessEightBitRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 41, height: 27, channels: channels, seed: UInt64(80 + channels))
        let jp2 = try JPEG2000Encoder().encode(pixels, metadata: EncodingMetadata())
        #expect(Array(jp2.prefix(12)) == Self.signature)
        #expect(contains(Array(jp2.prefix(64)), Array("ftypjp2 ".utf8)))
        let decoded = try decodeJP2(jp2)
        #expect(decoded.pixels.width == 41 && decoded.pixels.height == 27 && decoded.pixels.channels == channels)
        #expect(decoded.precision == 8)
        #expect(decoded.pixels.bytes == pixels.bytes)
        #expect(decoded.colourSpace == (channels >= 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY))
        #expect(decoded.alpha == (0..<channels).map { channels % 2 == 0 && $0 == channels - 1 })
    }

    @Test(arguments: [1, 3])
    func losslessSixteenBitRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 23, height: 19, channels: channels, bits: 16, seed: 85)
        let decoded = try decodeJP2(JPEG2000Encoder().encode(pixels, metadata: EncodingMetadata()))
        #expect(decoded.precision == 16)
        #expect(samples16(decoded.pixels) == samples16(pixels))
    }

    @Test(arguments: [(90, 35.0), (60, 26.0)])
    func lossyStaysClose(quality: Int, bound: Double) throws {
        let pixels = TestPattern.render(width: 120, height: 80, channels: 3, seed: 86)
        let jp2 = try JPEG2000Encoder(quality: quality).encode(pixels, metadata: EncodingMetadata())
        #expect(Array(jp2.prefix(12)) == Self.signature)
        let decoded = try decodeJP2(jp2)
        #expect(decoded.pixels.bytes != pixels.bytes)
        #expect(psnr(decoded.pixels, pixels) > bound)
    }

    @Test func lossyQualityControlsSize() throws {
        let pixels = TestPattern.render(width: 120, height: 80, channels: 1, seed: 87)
        let lossless = try JPEG2000Encoder().encode(pixels, metadata: EncodingMetadata())
        let high = try JPEG2000Encoder(quality: 95).encode(pixels, metadata: EncodingMetadata())
        let low = try JPEG2000Encoder(quality: 20).encode(pixels, metadata: EncodingMetadata())
        #expect(low.count < high.count && high.count < lossless.count)
        // the rate is a ratio of the raw size: 20 -> about 80:1
        #expect(low.count < pixels.bytes.count / 40)
        #expect(JPEG2000Encoder.compressionRatio(quality: 100) == 2)
        #expect(JPEG2000Encoder.compressionRatio(quality: 500) == 2)
        #expect(JPEG2000Encoder.compressionRatio(quality: 50) == 20)
    }

    @Test(arguments: [(1, 1), (63, 1), (127, 1), (128, 2), (300, 3), (256, 3), (100_000, 8)])
    func resolutionLevelsEndNear64Pixels(side: Int, levels: Int) throws {
        #expect(JPEG2000Encoder.resolutionCount(side: side) == levels)
    }

    @Test func resolutionLevelsAreWritten() throws {
        let pixels = TestPattern.render(width: 300, height: 140, channels: 1, seed: 88)
        let decoded = try decodeJP2(JPEG2000Encoder().encode(pixels, metadata: EncodingMetadata()))
        #expect(decoded.resolutions == 2)
        #expect(decoded.pixels.bytes == pixels.bytes)
        let tiny = try decodeJP2(
            JPEG2000Encoder().encode(PixelBuffer(width: 1, height: 1, channels: 3), metadata: EncodingMetadata()))
        #expect(tiny.resolutions == 1)
        #expect(tiny.pixels.bytes == [0, 0, 0])
    }

    @Test func embedsICCProfileAndComment() throws {
        let profile = testICCProfile(length: 600)
        let pixels = TestPattern.render(width: 20, height: 20, channels: 3, seed: 89)
        let jp2 = try JPEG2000Encoder().encode(
            pixels, metadata: EncodingMetadata(iccProfile: profile, software: "iipsrv-async/0.1.0"))
        let decoded = try decodeJP2(jp2)
        #expect(decoded.icc == profile)
        #expect(decoded.pixels.bytes == pixels.bytes)
        #expect(contains(jp2, [0xFF, 0x64]))
        #expect(contains(jp2, Array("iipsrv-async/0.1.0".utf8)))
    }

    @Test func encodesConcurrently() async throws {
        let pixels = TestPattern.render(width: 64, height: 64, channels: 3, seed: 90)
        let expected = try JPEG2000Encoder(quality: 70).encode(pixels, metadata: EncodingMetadata())
        let results = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<6 {
                group.addTask { try JPEG2000Encoder(quality: 70).encode(pixels, metadata: EncodingMetadata()) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func refusesWhatJP2CannotHold() {
        for pixels in unencodableImages() { expectEncodeFailure(JPEG2000Encoder(), pixels) }
    }
}
