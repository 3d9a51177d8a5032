import IIPImaging
import IIPTestSupport
import Testing

/// GIFEncoder, decoded back with giflib's DGifOpen from memory.
@Suite struct GIFEncoderTests {
    @Test func greyIsExact() throws {
        let pixels = TestPattern.render(width: 70, height: 33, channels: 1, seed: 61)
        let gif = try GIFEncoder().encode(pixels, metadata: EncodingMetadata())
        #expect(Array(gif.prefix(6)) == Array("GIF89a".utf8))
        #expect(gif.last == 0x3B)
        let decoded = try decodeGIF(gif)
        #expect(decoded.width == 70 && decoded.height == 33)
        #expect(decoded.palette.count == 256)
        #expect(decoded.transparent == nil)
        for pixel in 0..<(70 * 33) { #expect(decoded.rgb(pixel) == Array(repeating: pixels.bytes[pixel], count: 3)) }
    }

    @Test func allGreyLevelsSurviveAWideRamp() throws {
        let pixels = PixelBuffer(width: 256, height: 1, channels: 1, bytes: (0...255).map(UInt8.init))
        let decoded = try decodeGIF(GIFEncoder().encode(pixels, metadata: EncodingMetadata()))
        #expect((0..<256).map { decoded.rgb($0)[0] } == pixels.bytes)
    }

    @Test func fewColoursAreKeptExactly() throws {
        let colours: [[UInt8]] = [[255, 0, 0], [0, 128, 255], [12, 34, 56], [250, 250, 250], [0, 0, 0]]
        var bytes: [UInt8] = []
        for pixel in 0..<(30 * 20) { bytes += colours[(pixel / 7 + pixel % 3) % colours.count] }
        let pixels = PixelBuffer(width: 30, height: 20, channels: 3, bytes: bytes)
        let decoded = try decodeGIF(GIFEncoder().encode(pixels, metadata: EncodingMetadata()))
        #expect(decoded.palette.count == 8)
        for pixel in 0..<(30 * 20) { #expect(decoded.rgb(pixel) == Array(bytes[(pixel * 3)..<(pixel * 3 + 3)])) }
    }

    @Test func manyColoursAreApproximated() throws {
        let pixels = TestPattern.render(width: 200, height: 150, channels: 3, seed: 62)
        let gif = try GIFEncoder().encode(pixels, metadata: EncodingMetadata())
        let decoded = try decodeGIF(gif)
        #expect(decoded.palette.count == 256)
        var rgb = PixelBuffer(width: 200, height: 150, channels: 3)
        var worst = 0
        for pixel in 0..<(200 * 150) {
            let colour = decoded.rgb(pixel)
            for band in 0..<3 {
                rgb.bytes[pixel * 3 + band] = colour[band]
                worst = max(worst, abs(Int(colour[band]) - Int(pixels.bytes[pixel * 3 + band])))
            }
        }
        #expect(psnr(rgb, pixels) > 30)
        #expect(worst < 64)
        // deterministic
        #expect(try GIFEncoder().encode(pixels, metadata: EncodingMetadata()) == gif)
    }

    @Test func rgbaMarksLowAlphaTransparent() throws {
        var pixels = TestPattern.render(width: 40, height: 30, channels: 4, seed: 63)
        for pixel in 0..<(40 * 30) { pixels.bytes[pixel * 4 + 3] = pixel % 5 == 0 ? 127 : 128 }
        let decoded = try decodeGIF(GIFEncoder().encode(pixels, metadata: EncodingMetadata()))
        let transparent = try #require(decoded.transparent)
        #expect(transparent < decoded.palette.count)
        for pixel in 0..<(40 * 30) {
            #expect((Int(decoded.indices[pixel]) == transparent) == (pixel % 5 == 0))
        }
    }

    @Test func greyAlphaKeepsLevelsAndTransparency() throws {
        var bytes: [UInt8] = []
        for pixel in 0..<(16 * 16) { bytes += [UInt8(pixel % 200), pixel % 7 == 0 ? 0 : 255] }
        let pixels = PixelBuffer(width: 16, height: 16, channels: 2, bytes: bytes)
        let decoded = try decodeGIF(GIFEncoder().encode(pixels, metadata: EncodingMetadata()))
        let transparent = try #require(decoded.transparent)
        for pixel in 0..<(16 * 16) {
            if pixel % 7 == 0 {
                #expect(Int(decoded.indices[pixel]) == transparent)
            } else {
                #expect(Int(decoded.indices[pixel]) != transparent)
                #expect(decoded.rgb(pixel)[0] == UInt8(pixel % 200))
            }
        }
    }

    @Test func opaqueAlphaNeedsNoTransparency() throws {
        let pixels = PixelBuffer(width: 4, height: 4, channels: 4, bytes: Array(repeating: 200, count: 64))
        let decoded = try decodeGIF(GIFEncoder().encode(pixels, metadata: EncodingMetadata()))
        #expect(decoded.transparent == nil)
        #expect(decoded.rgb(5) == [200, 200, 200])
    }

    @Test func softwareGoesIntoAComment() throws {
        let pixels = PixelBuffer(width: 3, height: 1, channels: 1)
        let decoded = try decodeGIF(GIFEncoder().encode(pixels, metadata: EncodingMetadata(software: "iipsrv-async")))
        #expect(decoded.comment == "iipsrv-async")
    }

    @Test func refusesWhatGIFCannotHold() {
        var images = unencodableImages()
        images.append(TestPattern.render(width: 8, height: 8, channels: 1, bits: 16, seed: 1))
        images.append(PixelBuffer(width: 65536, height: 1, channels: 1))
        for pixels in images { expectEncodeFailure(GIFEncoder(), pixels) }
    }
}
