import IIPImaging
import Testing

/// sRGB to grey with iipsrv's fixed-point weights, and bi-level conversion.
@Suite struct GreyConversionTests {
    // iipsrv-reference §6.2 step 6: Y = (1254097 R + 2462056 G + 478151 B) >> 22
    @Test(
        arguments: [
            ([0, 0, 0], 0), ([255, 255, 255], 255), ([255, 0, 0], 76), ([0, 255, 0], 149), ([0, 0, 255], 29),
            ([128, 128, 128], 128), ([10, 20, 30], 18), ([200, 100, 50], 124), ([1, 1, 1], 1),
        ] as [([UInt8], UInt8)])
    func knownValues(rgb: [UInt8], grey: UInt8) {
        let output = GreyConversion.apply(buffer8(width: 1, height: 1, channels: 3, rgb))
        #expect(output.channels == 1)
        #expect(output.bytes == [grey])
    }

    @Test func formulaOnEveryGreyLevelAndAlphaIgnored() {
        var rgba: [UInt8] = []
        var expected: [UInt8] = []
        for v in 0...255 {
            let (r, g, b) = (v, 255 - v, v / 2)
            rgba += [UInt8(r), UInt8(g), UInt8(b), 7]
            let weighted: Int = 1_254_097 * r + 2_462_056 * g + 478_151 * b
            expected.append(UInt8(weighted >> 22))
        }
        let output = GreyConversion.apply(buffer8(width: 256, height: 1, channels: 4, rgba))
        #expect(output.bytes == expected)
    }

    @Test func greyInputIsUnchanged() {
        let grey = buffer8(width: 2, height: 1, channels: 1, [3, 250])
        #expect(GreyConversion.apply(grey) == grey)
    }

    // iipsrv-reference §6.2 step 7: grey, then < threshold -> 0, else 255
    @Test func binaryThreshold() {
        let pixels = buffer8(width: 4, height: 1, channels: 3, [0, 0, 0, 99, 99, 99, 100, 100, 100, 255, 255, 255])
        let output = BinaryConversion.apply(pixels, threshold: 100)
        #expect(output.channels == 1)
        #expect(output.bytes == [0, 0, 255, 255])
        let greyAlpha = buffer8(width: 2, height: 1, channels: 2, [40, 255, 60, 0])
        #expect(BinaryConversion.apply(greyAlpha, threshold: 50).bytes == [0, 255])
        #expect(BinaryConversion.apply(greyAlpha, threshold: 999).bytes == [0, 0])
        #expect(BinaryConversion.apply(greyAlpha, threshold: -5).bytes == [255, 255])
    }
}
