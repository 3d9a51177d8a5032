import IIPTestSupport
import Testing

@testable import IIPImaging

/// CIELAB to sRGB with iipsrv master's constants (iipsrv-reference §6.3).
@Suite struct CIELabConversionTests {
    @Test func knownColours() {
        // White, black, mid grey, and sRGB's primaries as Lab (D65).
        #expect(CIELabConversion.srgb(l: 100, a: 0, b: 0) == (255, 255, 255) || isNear(100, 0, 0, (255, 255, 255)))
        #expect(CIELabConversion.srgb(l: 0, a: 0, b: 0) == (0, 0, 0))
        #expect(isNear(53.59, 0, 0, (128, 128, 128)))
        #expect(isNear(53.24, 80.09, 67.20, (255, 0, 0)))
        #expect(isNear(87.73, -86.18, 83.18, (0, 255, 0)))
        #expect(isNear(32.30, 79.19, -107.86, (0, 0, 255)))
    }

    @Test func tiffSamplesAreDecodedAsTheyAreStored() {
        // 8-bit: L = byte / 2.55, a and b signed bytes. 16-bit: L = (u16 >> 1) / 327.67, a and b the top byte.
        let eight = PixelBuffer(width: 2, height: 1, channels: 3, bytes: [255, 0, 0, 136, 80, 67])
        let converted = CIELabConversion.toSRGB(eight)
        #expect(converted.channels == 3 && converted.bitsPerSample == 8)
        #expect(converted.bytes[0] >= 254 && converted.bytes[1] >= 254 && converted.bytes[2] >= 254)
        #expect(converted.bytes[3] >= 250 && converted.bytes[4] <= 8 && converted.bytes[5] <= 8)
        let samples: [UInt16] = [65535, 0, 0, UInt16(53.24 * 327.67 * 2), UInt16(80 << 8), UInt16(67 << 8)]
        let sixteen = PixelBuffer(
            width: 2, height: 1, channels: 3, bitsPerSample: 16, bytes: samples.withUnsafeBytes { Array($0) })
        let wide = CIELabConversion.toSRGB(sixteen)
        #expect(wide.bytes[0] >= 254 && wide.bytes[3] >= 250 && wide.bytes[4] <= 8)
        // Negative a and b (signed bytes): a green-blue.
        let cyan = CIELabConversion.toSRGB(
            PixelBuffer(
                width: 1, height: 1, channels: 3,
                bytes: [UInt8(91 * 2.55), UInt8(bitPattern: -48), UInt8(bitPattern: -14)]))
        #expect(cyan.bytes[0] < 60 && cyan.bytes[1] > 200 && cyan.bytes[2] > 200)
    }

    // iipsrv-reference §6.3 in master's precision: stored Lab (225, 5, 10) is sRGB (238, 217, 202); the same formula
    // computed wholly in double precision gives 239 for red.
    @Test func mastersPrecision() {
        let pixel = PixelBuffer(width: 1, height: 1, channels: 3, bytes: [225, 5, 10])
        #expect(CIELabConversion.toSRGB(pixel).bytes == [238, 217, 202])
    }

    private func isNear(_ l: Float, _ a: Float, _ b: Float, _ expected: (Int, Int, Int)) -> Bool {
        let (r, g, bl) = CIELabConversion.srgb(l: l, a: a, b: b)
        return abs(Int(r) - expected.0) <= 3 && abs(Int(g) - expected.1) <= 3 && abs(Int(bl) - expected.2) <= 3
    }
}
