import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// PNGEncoder, decoded back with libpng's simplified read API.
@Suite struct PNGEncoderTests {
    @Test(arguments: [1, 2, 3, 4])
    func eightBitRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 37, height: 23, channels: channels, seed: UInt64(30 + channels))
        let png = try PNGEncoder().encode(pixels, metadata: EncodingMetadata())
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try decodePNG(png, channels: channels, bits: 8)
        #expect(decoded.width == 37 && decoded.height == 23)
        #expect(decoded.bytes == pixels.bytes)
        let header = try #require(pngChunks(png).first)
        #expect(header.type == "IHDR")
        #expect(header.data[8] == 8)
        #expect(header.data[9] == [0, 4, 2, 6][channels - 1])
    }

    @Test(arguments: [1, 3])
    func sixteenBitRoundTripsExactly(channels: Int) throws {
        let pixels = TestPattern.render(width: 19, height: 31, channels: channels, bits: 16, seed: 40)
        let png = try PNGEncoder(compressionLevel: 6).encode(pixels, metadata: EncodingMetadata())
        #expect(pngChunks(png).first?.data[8] == 16)
        let decoded = try decodePNG(png, channels: channels, bits: 16)
        #expect(samples16(decoded) == samples16(pixels))
    }

    // libpng's simplified API premultiplies 16-bit (linear) output by alpha: alpha must be exact, colour within 1
    @Test(arguments: [2, 4])
    func sixteenBitWithAlphaRoundTrips(channels: Int) throws {
        let pixels = TestPattern.render(width: 21, height: 17, channels: channels, bits: 16, seed: 41)
        let png = try PNGEncoder().encode(pixels, metadata: EncodingMetadata())
        let decoded = samples16(try decodePNG(png, channels: channels, bits: 16))
        let original = samples16(pixels)
        for pixel in 0..<(21 * 17) {
            let alpha = Int(original[pixel * channels + channels - 1])
            #expect(decoded[pixel * channels + channels - 1] == UInt16(alpha))
            for band in 0..<(channels - 1) {
                let expected = (Int(original[pixel * channels + band]) * alpha + 32767) / 65535
                #expect(abs(Int(decoded[pixel * channels + band]) - expected) <= 1)
            }
        }
        // fully opaque 16-bit alpha is not premultiplied at all: exact
        var opaque = samples16(pixels)
        for pixel in 0..<(21 * 17) { opaque[pixel * channels + channels - 1] = 65535 }
        let opaquePixels = buffer16(width: 21, height: 17, channels: channels, opaque)
        let exact = try decodePNG(
            PNGEncoder().encode(opaquePixels, metadata: EncodingMetadata()), channels: channels, bits: 16)
        #expect(samples16(exact) == opaque)
    }

    @Test func compressionLevelIsClampedAndMatters() throws {
        let pixels = TestPattern.render(width: 120, height: 90, channels: 3, seed: 42)
        let none = try PNGEncoder(compressionLevel: 0).encode(pixels, metadata: EncodingMetadata())
        let best = try PNGEncoder(compressionLevel: 9).encode(pixels, metadata: EncodingMetadata())
        #expect(best.count < none.count)
        #expect(none.count > pixels.bytes.count)
        #expect(try PNGEncoder(compressionLevel: -3).encode(pixels, metadata: EncodingMetadata()) == none)
        #expect(try PNGEncoder(compressionLevel: 42).encode(pixels, metadata: EncodingMetadata()) == best)
        #expect(PNGEncoder().compressionLevel == 1)
        #expect(try decodePNG(best, channels: 3, bits: 8).bytes == pixels.bytes)
    }

    @Test func embedsICCXMPDensityAndText() throws {
        let profile = testICCProfile(colourSpace: "RGB ", length: 400)
        let metadata = EncodingMetadata(
            iccProfile: profile, xmp: sampleXMP, density: PhysicalResolution(x: 300, y: 150, unit: .inch),
            fields: sampleFields(), software: "iipsrv-async/0.1.0")
        let pixels = TestPattern.render(width: 16, height: 16, channels: 3, seed: 43)
        let png = try PNGEncoder().encode(pixels, metadata: metadata)
        let chunks = pngChunks(png)

        let iccp = try #require(chunks.first { $0.type == "iCCP" })
        let name = Array("ICC profile".utf8)
        #expect(Array(iccp.data.prefix(name.count + 2)) == name + [0, 0])
        #expect(zlibInflate(Array(iccp.data.dropFirst(name.count + 2)), expectedSize: 400) == profile)

        let itxt = try #require(chunks.first { $0.type == "iTXt" && $0.data.starts(with: Array("XML:".utf8)) })
        let key = Array("XML:com.adobe.xmp".utf8)
        #expect(itxt.data == key + [0, 0, 0, 0, 0] + Array(sampleXMP.utf8))

        let phys = try #require(chunks.first { $0.type == "pHYs" })
        #expect(bigEndian32(phys.data, 0) == 11811)  // 300 / 0.0254
        #expect(bigEndian32(phys.data, 4) == 5906)
        #expect(phys.data[8] == 1)

        var texts: [String: String] = [:]
        for chunk in chunks where chunk.type == "tEXt" {
            let parts = chunk.data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            texts[String(decoding: parts[0], as: UTF8.self)] = String(decoding: parts[1], as: UTF8.self)
        }
        #expect(texts["Software"] == "iipsrv-async/0.1.0")
        #expect(texts["Title"] == "Test title")
        #expect(texts["Author"] == "A. Painter")
        #expect(texts["Description"] == sampleFields().description)
        #expect(texts["Copyright"] == "(c) 2025 Somebody")
        #expect(texts["Creation Time"] == "2025:01:02 03:04:05")
        // ancillary chunks sit before the image data
        let order = chunks.map(\.type)
        #expect(order.firstIndex(of: "iCCP")! < order.firstIndex(of: "IDAT")!)
        #expect(order.last == "IEND")
        #expect(try decodePNG(png, channels: 3, bits: 8).bytes == pixels.bytes)
    }

    // libpng measures iTXt text with strlen: the packet must reach it NUL-terminated, whatever follows it in memory
    @Test func xmpLengthIsExactWhateverFollowsInMemory() throws {
        let pixels = PixelBuffer(width: 1, height: 1, channels: 1)
        for length in 1...48 {
            var junk = [[UInt8]]()
            for size in 1...8 { junk.append([UInt8](repeating: 0x41, count: length + size)) }
            junk.removeAll()
            let packet = String(repeating: "p", count: length)
            let png = try PNGEncoder().encode(pixels, metadata: EncodingMetadata(xmp: packet))
            let itxt = try #require(pngChunks(png).first { $0.type == "iTXt" })
            #expect(itxt.data == Array("XML:com.adobe.xmp".utf8) + [0, 0, 0, 0, 0] + Array(packet.utf8))
        }
    }

    @Test func densityInCentimetresAndWithoutUnit() throws {
        let pixels = PixelBuffer(width: 2, height: 2, channels: 1)
        let cm = try PNGEncoder().encode(
            pixels, metadata: EncodingMetadata(density: PhysicalResolution(x: 10, y: 20, unit: .centimetre)))
        let phys = try #require(pngChunks(cm).first { $0.type == "pHYs" })
        #expect(phys.data == [0, 0, 0x03, 0xE8, 0, 0, 0x07, 0xD0, 1])
        let ratio = try PNGEncoder().encode(
            pixels, metadata: EncodingMetadata(density: PhysicalResolution(x: 2, y: 3, unit: .none)))
        #expect(pngChunks(ratio).first { $0.type == "pHYs" }?.data == [0, 0, 0, 2, 0, 0, 0, 3, 0])
        let plain = try PNGEncoder().encode(pixels, metadata: EncodingMetadata())
        #expect(!pngChunks(plain).contains { $0.type == "pHYs" || $0.type == "tEXt" || $0.type == "iCCP" })
    }

    @Test func nonASCIITextGoesIntoITXt() throws {
        var fields = ImageMetadata()
        fields.creator = "Zoë Ærø"
        let png = try PNGEncoder().encode(
            PixelBuffer(width: 1, height: 1, channels: 1), metadata: EncodingMetadata(fields: fields))
        let itxt = try #require(pngChunks(png).first { $0.type == "iTXt" })
        #expect(itxt.data == Array("Author".utf8) + [0, 0, 0, 0, 0] + Array("Zoë Ærø".utf8))
    }

    @Test func invalidOrMismatchedProfileIsDroppedNotFatal() throws {
        let grey = TestPattern.render(width: 8, height: 8, channels: 1, seed: 44)
        for profile in [testICCProfile(colourSpace: "RGB "), [UInt8](repeating: 1, count: 200)] {
            let png = try PNGEncoder().encode(grey, metadata: EncodingMetadata(iccProfile: profile))
            #expect(!pngChunks(png).contains { $0.type == "iCCP" })
            #expect(try decodePNG(png, channels: 1, bits: 8).bytes == grey.bytes)
        }
        let matching = try PNGEncoder().encode(
            grey, metadata: EncodingMetadata(iccProfile: testICCProfile(colourSpace: "GRAY")))
        #expect(pngChunks(matching).contains { $0.type == "iCCP" })
    }

    @Test func refusesWhatPNGCannotHold() {
        for pixels in unencodableImages() { expectEncodeFailure(PNGEncoder(), pixels) }
    }
}
