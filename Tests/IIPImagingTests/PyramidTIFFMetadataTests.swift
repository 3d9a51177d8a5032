import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Text fields, pixel density and sample ranges read into `ImageDescription`.
@Suite struct PyramidTIFFMetadataTests {
    // iipsrv-reference §3.1, §6.6: text fields and XMP come from the first IFD
    @Test func metadataRoundTrips() throws {
        var metadata = ImageMetadata()
        metadata.rights = "© Test Rights"
        metadata.creator = "An Artist"
        metadata.description = "A generated picture"
        metadata.date = "2024:05:17 12:34:56"
        metadata.title = "Document Title"
        metadata.pageName = "Page 1"
        metadata.software = "fixture-writer"
        metadata.make = "Maker"
        metadata.model = "Model 7"
        metadata.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"></x:xmpmeta>"
        let spec = FixtureSpec("img-metadata.tif", width: 100, height: 80).with {
            $0.compression = .deflate
            $0.metadata = metadata
            $0.resolution = PhysicalResolution(x: 300, y: 150.5, unit: .inch)
        }
        let description = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(spec))).description
        #expect(description.metadata == metadata)
        #expect(description.resolution == PhysicalResolution(x: 300, y: 150.5, unit: .inch))
        #expect(description.iccProfileSize == 0)
    }

    // iipsrv-reference §6.6: DPI in centimetres is kept with its unit
    @Test func centimetreResolution() throws {
        let spec = FixtureSpec("img-resolution-cm.tif", width: 90, height: 60).with {
            $0.compression = .lzw
            $0.channels = 1
            $0.resolution = PhysicalResolution(x: 40, y: 20, unit: .centimetre)
        }
        let description = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(spec))).description
        #expect(description.resolution == PhysicalResolution(x: 40, y: 20, unit: .centimetre))
        #expect(description.resolution?.pixelsPerMetre.x == 4000)
    }

    @Test func noResolutionOrMetadataWhenNoneWritten() throws {
        let spec = FixtureSpec("img-no-metadata.tif", width: 100, height: 80).with { $0.compression = .none }
        let description = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(spec))).description
        #expect(description.resolution == nil)
        #expect(description.metadata == ImageMetadata())
        #expect(description.horizontalViews == [0])
        #expect(description.verticalViews == [90])
    }

    // iipsrv-reference §6.1: min defaults to 0, max to 255 (8 bit) or 65535 (16 bit) without SMin/SMaxSampleValue
    @Test(arguments: [(1, 8, 255.0), (3, 8, 255.0), (1, 16, 65535.0), (3, 16, 65535.0)])
    func defaultSampleRange(channels: Int, bits: Int, maximum: Double) throws {
        let spec = FixtureSpec("img-range-\(channels)x\(bits).tif", width: 64, height: 64).with {
            $0.compression = .deflate
            $0.channels = channels
            $0.bits = bits
        }
        let description = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(spec))).description
        #expect(description.minValues == Array(repeating: 0, count: channels))
        #expect(description.maxValues == Array(repeating: maximum, count: channels))
        #expect(description.sampleFormat == .unsignedInteger)
    }

    // iipsrv-reference §6.1: SMinSampleValue / SMaxSampleValue override the defaults
    @Test func explicitSampleRange() throws {
        var writer = PyramidTIFFWriter()
        writer.sampleRange = (minimum: 100, maximum: 4000)
        writer.compression = .deflate
        let path = Fixtures.path("img-explicit-range.tif")
        try writer.write(TestPattern.render(width: 64, height: 64, channels: 1, bits: 16, seed: 7), to: path)
        let description = try PyramidTIFF(path: path).description
        #expect(description.minValues == [100])
        #expect(description.maxValues == [4000])
    }
}
