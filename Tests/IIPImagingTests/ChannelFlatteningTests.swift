import IIPImaging
import Testing

/// Reducing bands to what an encoder accepts.
@Suite struct ChannelFlatteningTests {
    // iipsrv-reference §6.2 step 5: two bands become one for JPEG
    @Test func greyAlphaBecomesGrey() {
        let pixels = buffer8(width: 3, height: 1, channels: 2, [10, 200, 20, 201, 30, 202])
        let flat = ChannelFlattening.flatten(pixels)
        #expect(flat.channels == 1)
        #expect(flat.bytes == [10, 20, 30])
    }

    // iipsrv-reference §6.2 step 5: more than three bands become the first three (alpha dropped)
    @Test(arguments: [4, 5, 7])
    func extraBandsAreDropped(channels: Int) {
        let samples = (0..<(2 * channels)).map { UInt8($0) }
        let flat = ChannelFlattening.flatten(buffer8(width: 2, height: 1, channels: channels, samples))
        #expect(flat.channels == 3)
        #expect(flat.bytes == [0, 1, 2, UInt8(channels), UInt8(channels + 1), UInt8(channels + 2)])
    }

    // iipsrv-reference §6.2 step 5: PNG and WebP keep up to 4 channels, more are cut to 3
    @Test func keepAlpha() {
        let rgba = buffer8(width: 1, height: 1, channels: 4, [1, 2, 3, 4])
        #expect(ChannelFlattening.flatten(rgba, keepAlpha: true) == rgba)
        let greyAlpha = buffer8(width: 1, height: 1, channels: 2, [9, 8])
        #expect(ChannelFlattening.flatten(greyAlpha, keepAlpha: true) == greyAlpha)
        let five = buffer8(width: 1, height: 1, channels: 5, [1, 2, 3, 4, 5])
        #expect(ChannelFlattening.flatten(five, keepAlpha: true).bytes == [1, 2, 3])
    }

    @Test(arguments: [1, 3])
    func greyAndRGBAreUnchanged(channels: Int) {
        let pixels = buffer8(width: 2, height: 1, channels: channels, (0..<(2 * channels)).map { UInt8($0 * 3) })
        #expect(ChannelFlattening.flatten(pixels) == pixels)
        #expect(ChannelFlattening.flatten(pixels, keepAlpha: true) == pixels)
    }
}
