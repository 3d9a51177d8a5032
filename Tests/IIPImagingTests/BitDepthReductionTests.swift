import IIPImaging
import IIPModel
import Testing

/// Reducing samples wider than 8 bits to 8 bits.
@Suite struct BitDepthReductionTests {
    // iipsrv-reference §6.1: the fast path keeps the top byte (v >> 8) and ignores min/max
    @Test func sixteenBitKeepsTheTopByte() {
        let values: [UInt16] = [0, 0x00FF, 0x0100, 0x7FFF, 0x8000, 0xABCD, 0xFF00, 0xFFFF]
        let pixels = buffer16(width: values.count, height: 1, channels: 1, values)
        let output = BitDepthReduction.to8Bit(pixels, minimum: [1000], maximum: [2000])
        #expect(output.bitsPerSample == 8)
        #expect(output.bytes == [0, 0, 1, 0x7F, 0x80, 0xAB, 0xFF, 0xFF])
    }

    @Test func eightBitUnsignedIsUnchanged() {
        let pixels = buffer8(width: 2, height: 1, channels: 3, [1, 2, 3, 250, 251, 252])
        #expect(BitDepthReduction.to8Bit(pixels) == pixels)
    }

    @Test func signedSamplesAreOffset() {
        let sixteen = buffer(
            width: 4, height: 1, channels: 1, bits: 16, format: .signedInteger,
            [Int16.min, -1, 0, Int16.max])
        #expect(BitDepthReduction.to8Bit(sixteen).bytes == [0, 127, 128, 255])
        let eight = buffer(width: 3, height: 1, channels: 1, bits: 8, format: .signedInteger, [Int8.min, 0, Int8.max])
        let reduced = BitDepthReduction.to8Bit(eight)
        #expect(reduced.bytes == [0, 128, 255])
        #expect(reduced.sampleFormat == .unsignedInteger)
    }

    @Test func thirtyTwoBitIntegersKeepTheTopByte() {
        let unsigned = buffer(
            width: 3, height: 1, channels: 1, bits: 32, format: .unsignedInteger,
            [UInt32(0), 0x1234_5678, UInt32.max])
        #expect(BitDepthReduction.to8Bit(unsigned).bytes == [0, 0x12, 255])
        let signed = buffer(
            width: 3, height: 1, channels: 1, bits: 32, format: .signedInteger,
            [Int32.min, 0, Int32.max])
        #expect(BitDepthReduction.to8Bit(signed).bytes == [0, 128, 255])
    }

    @Test func floatsAreNormalisedPerChannel() {
        let pixels = buffer(
            width: 2, height: 1, channels: 2, bits: 32, format: .floatingPoint,
            [Float(0.5), 150, Float.nan, 300])
        let output = BitDepthReduction.to8Bit(pixels, minimum: [0, 100], maximum: [1, 300])
        // 0.5 -> 127.5 (truncated), (150-100)/200 -> 63.75, NaN -> 0, 300 -> 255.
        #expect(output.bytes == [127, 63, 0, 255])
        let defaults = buffer(
            width: 3, height: 1, channels: 1, bits: 32, format: .floatingPoint,
            [Float(-1), 0.25, 7])
        #expect(BitDepthReduction.to8Bit(defaults).bytes == [0, 63, 255])
    }
}
