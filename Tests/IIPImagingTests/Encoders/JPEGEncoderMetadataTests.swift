import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// JPEGEncoder's metadata segments (iipsrv-reference §6.6) spliced after the JFIF APP0 segment.
@Suite struct JPEGEncoderMetadataTests {
    static let rgb = TestPattern.render(width: 64, height: 48, channels: 3, seed: 21)
    static let grey = TestPattern.render(width: 64, height: 48, channels: 1, seed: 22)

    @Test func largeICCProfileIsSplitOverAPP2MarkersAndReassembles() throws {
        let profile = testICCProfile(length: 150_000)
        let jpeg = try JPEGEncoder(quality: 80).encode(Self.rgb, metadata: EncodingMetadata(iccProfile: profile))
        let chunks = JPEGMarkerSegments(jpeg).segments.filter { $0.marker == 0xE2 }
        #expect(chunks.count == 3)
        var reassembled = [UInt8](repeating: 0, count: 0)
        for (index, chunk) in chunks.enumerated() {
            #expect(Array(chunk.payload.prefix(12)) == Array("ICC_PROFILE\0".utf8))
            #expect(chunk.payload[12] == UInt8(index + 1))
            #expect(chunk.payload[13] == 3)
            #expect(chunk.payload.count - 14 <= 65519)
            reassembled += chunk.payload.dropFirst(14)
        }
        #expect(reassembled == profile)
        #expect(try JPEGDecoder().decode(jpeg).width == 64)
    }

    @Test func smallICCProfileTakesOneMarker() throws {
        let profile = testICCProfile(length: 65516)
        let jpeg = try JPEGEncoder().encode(Self.grey, metadata: EncodingMetadata(iccProfile: profile))
        let chunks = JPEGMarkerSegments(jpeg).segments.filter { $0.marker == 0xE2 }
        try #require(chunks.count == 1)
        #expect(chunks[0].payload[12...13] == [1, 1])
        #expect(Array(chunks[0].payload.dropFirst(14)) == profile)
    }

    @Test func segmentsFollowJFIFInOrder() throws {
        let metadata = EncodingMetadata(
            iccProfile: testICCProfile(), xmp: sampleXMP, software: "iipsrv-async/0.1.0")
        let jpeg = try JPEGEncoder(quality: 90).encode(Self.rgb, metadata: metadata)
        let markers = JPEGMarkerSegments(jpeg).markers
        #expect(Array(markers.prefix(4)) == [0xE0, 0xE1, 0xE2, 0xFE])
        let segments = JPEGMarkerSegments(jpeg).segments
        let xmp = Array("http://ns.adobe.com/xap/1.0/\0".utf8) + Array(sampleXMP.utf8)
        #expect(segments[1].payload == xmp)
        #expect(segments[3].payload == Array("iipsrv-async/0.1.0".utf8))
        // the image data is untouched: it decodes to what the plain stream decodes to
        let plain = try JPEGEncoder(quality: 90).encode(Self.rgb)
        #expect(try JPEGDecoder().decode(jpeg).bytes == JPEGDecoder().decode(plain).bytes)
        #expect(jpeg.count > plain.count)
    }

    @Test func xmpFromFieldsIsUsedWhenNoPacketIsGiven() throws {
        var fields = ImageMetadata()
        fields.xmp = sampleXMP
        let jpeg = try JPEGEncoder().encode(Self.grey, metadata: EncodingMetadata(fields: fields))
        #expect(JPEGMarkerSegments(jpeg).segments.contains { $0.marker == 0xE1 })
    }

    @Test(arguments: [(65504, true), (65505, false)])
    func xmpIsSkippedWhenTooLarge(size: Int, embedded: Bool) throws {
        let packet = String(repeating: "x", count: size)
        let jpeg = try JPEGEncoder().encode(Self.grey, metadata: EncodingMetadata(xmp: packet))
        #expect(JPEGMarkerSegments(jpeg).segments.contains { $0.marker == 0xE1 } == embedded)
        #expect(try JPEGDecoder().decode(jpeg).height == 48)
    }

    @Test(arguments: [
        (PhysicalResolution(x: 10.4, y: 5.6, unit: .centimetre), [UInt8(2), 0, 10, 0, 6]),
        (PhysicalResolution(x: 300, y: 600, unit: .inch), [UInt8(1), 0x01, 0x2C, 0x02, 0x58]),
    ])
    func densityComesFromMetadata(density: PhysicalResolution, expected: [UInt8]) throws {
        let jpeg = try JPEGEncoder().encode(Self.rgb, metadata: EncodingMetadata(density: density))
        #expect(Array(jpeg[13...17]) == expected)
    }

    @Test func densityWithoutUnitFallsBackToTheEncodersDensity() throws {
        let encoder = JPEGEncoder(density: JPEGDensity(unit: 1, x: 72, y: 72))
        let metadata = EncodingMetadata(density: PhysicalResolution(x: 3, y: 4, unit: .none))
        let jpeg = try encoder.encode(Self.grey, metadata: metadata)
        #expect(Array(jpeg[13...17]) == [1, 0, 72, 0, 72])
        #expect(JPEGDensity(PhysicalResolution(x: 3, y: 4, unit: .none)) == nil)
        #expect(JPEGDensity(PhysicalResolution(x: 0.2, y: 4, unit: .inch)) == nil)
        #expect(JPEGDensity(PhysicalResolution(x: 1e9, y: 4, unit: .inch))?.x == 65535)
    }

    @Test func noMetadataChangesNothing() throws {
        #expect(try JPEGEncoder().encode(Self.rgb, metadata: EncodingMetadata()) == JPEGEncoder().encode(Self.rgb))
        #expect(JPEGEncoder().format == .jpeg)
    }

    @Test func refusesWhatJPEGCannotHold() {
        var images = unencodableImages()
        images.append(TestPattern.render(width: 8, height: 8, channels: 4, seed: 1))
        images.append(TestPattern.render(width: 8, height: 8, channels: 2, seed: 1))
        images.append(TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1))
        for pixels in images { expectEncodeFailure(JPEGEncoder(), pixels) }
    }
}
