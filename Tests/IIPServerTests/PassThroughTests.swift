import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Codec pass-through (iipsrv-reference §3.3): stored JPEG and WebP tiles go out as stored, and agree in pixels
/// with the same tiles decoded and re-encoded; the ICC profile, XMP and EXIF a re-encoded tile carries are spliced
/// into them (§6.6).
@Suite("Codec pass-through")
struct PassThroughTests {
    init() throws {
        try StandardFixtures.prepare()
        for fixture in [Self.jpegWithMetadata, Self.webp, Self.webpWithMetadata] { try Fixtures.make(fixture) }
    }

    static let xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>"
    static let jpegWithMetadata = FixtureSpec("pass-jpeg-icc.tif", width: 600, height: 400).with {
        $0.iccProfile = ProtocolsAndFormatsTests.profile
        $0.metadata.xmp = xmp
    }
    static let webp = FixtureSpec("pass-webp.tif", width: 600, height: 400).with { $0.compression = .webp(quality: 80) }
    static let webpWithMetadata = FixtureSpec("pass-webp-icc.tif", width: 600, height: 400).with {
        $0.compression = .webp(quality: 80)
        $0.iccProfile = ProtocolsAndFormatsTests.profile
        $0.metadata.xmp = xmp
    }

    static let jpegFixtures = [StandardFixtures.rgbJPEG, StandardFixtures.rgbJPEGasRGB, StandardFixtures.bigTIFF]

    @Test(arguments: jpegFixtures)
    func passedThroughTilesMatchDecodedTiles(fixture: FixtureSpec) async throws {
        let image = try PyramidTIFF(path: Fixtures.path(fixture.name))
        let passing = try await Self.passing.running()
        let decoding = try await Self.decoding.running()
        for resolution in 0..<image.description.resolutionCount {
            for tile in 0..<image.description.levels[resolution].tileCount {
                let target = "/?FIF=\(fixture.name)&JTL=\(resolution),\(tile)"
                let stored = try await passing.get(target)
                let reencoded = try await decoding.get(target)
                #expect(stored.status == 200 && reencoded.status == 200)
                // A whole tile goes out as stored: no JFIF header, which libjpeg-turbo's encoder always writes.
                // (Edge tiles are cropped by a lossless transform, which writes its own header.)
                let level = image.description.levels[resolution]
                let rect = try #require(level.tileRect(tile))
                if rect.width == level.tileWidth && rect.height == level.tileHeight {
                    #expect(Array(stored.body.prefix(4)) != [0xFF, 0xD8, 0xFF, 0xE0], "\(target)")
                }
                let a = try ImageComparison.decodeJPEG(stored.body)
                let b = try ImageComparison.decodeJPEG(reencoded.body)
                let source = try image.readTile(resolution: resolution, tile: tile)
                #expect(a.width == source.width && a.height == source.height, "\(target)")
                #expect(a.width == b.width && a.height == b.height)
                guard a.bytes.count == source.bytes.count, a.bytes.count == b.bytes.count else { continue }
                // The stored JPEG decoded here and by libtiff are the same picture, up to chroma upsampling at the
                // edges of cropped tiles.
                #expect(ImageComparison.psnr(a, source) > 35, "\(target)")
                // The re-encoded tile (QLT 75, 4:2:0) is close to both. How close depends on the seeded picture
                // (26-32 dB measured over many seeds); a different picture scores near 10 dB.
                #expect(ImageComparison.psnr(a, b) > 24, "\(target)")
                #expect(ImageComparison.psnr(source, b) > 24, "\(target)")
            }
        }
    }

    // QLT and any processing turn pass-through off (iipsrv-reference §3.3).
    @Test func qualityAndProcessingReencode() async throws {
        try await Self.passing.check { server in
            let stored = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=1,0")
            let withQuality = try await server.get("/?FIF=rgb-jpeg-odd.tif&QLT=60&JTL=1,0")
            let inverted = try await server.get("/?FIF=rgb-jpeg-odd.tif&INV=1&JTL=1,0")
            #expect(Array(stored.body.prefix(4)) != [0xFF, 0xD8, 0xFF, 0xE0])
            #expect(Array(withQuality.body.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xE0])
            #expect(Array(inverted.body.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xE0])
            let a = try ImageComparison.decodeJPEG(stored.body)
            let b = try ImageComparison.decodeJPEG(inverted.body)
            var invertedBack = b
            for i in invertedBack.bytes.indices { invertedBack.bytes[i] = 255 - invertedBack.bytes[i] }
            #expect(ImageComparison.psnr(a, invertedBack) > 24)
        }
    }

    // Deflate tiles have nothing to pass through: they are encoded as always.
    @Test func otherCompressionsAreEncoded() async throws {
        try await Self.passing.check { server in
            let tile = try await server.get("/?FIF=rgb-deflate-512.tif&JTL=0,0")
            #expect(Array(tile.body.prefix(4)) == [0xFF, 0xD8, 0xFF, 0xE0])
        }
    }

    // A stored tile of an image with an ICC profile and XMP goes out with both spliced after SOI, and is otherwise
    // the stored stream; the re-encoded tile (QLT set) carries the same profile and packet.
    @Test func iccAndXMPAreSplicedIntoStoredJPEGTiles() async throws {
        let name = Self.jpegWithMetadata.name
        let image = try PyramidTIFF(path: Fixtures.path(name))
        // A whole tile of the full resolution (edge tiles are cropped losslessly, which writes a new header).
        let full = image.description.resolutionCount - 1
        let stored = try #require(try image.storedTile(resolution: full, tile: 0, format: .jpeg))
        try await Self.passing.check { server in
            let tile = try await server.get("/?FIF=\(name)&JTL=\(full),0")
            #expect(tile.status == 200)
            let segments = JPEGMarkerSegments(tile.body)
            #expect(segments.markers.first != 0xE0, "no JFIF: the stored stream, not a new encode")
            #expect(segments.iccProfile == ProtocolsAndFormatsTests.profile)
            #expect(segments.xmpPacket == Self.xmp)
            // Taking the added segments out again gives the stored stream, byte for byte.
            #expect(JPEGMarkerSegments.removingMetadata(tile.body) == stored)
            let reencoded = try await server.get("/?FIF=\(name)&QLT=90&JTL=\(full),0")
            let reencodedSegments = JPEGMarkerSegments(reencoded.body)
            #expect(reencodedSegments.markers.first == 0xE0)
            #expect(reencodedSegments.iccProfile == ProtocolsAndFormatsTests.profile)
            #expect(reencodedSegments.xmpPacket == Self.xmp)
        }
        // EMBED_ICC=0 (or MAX_ICC=0) leaves the profile out of stored tiles as of encoded ones.
        try await TestServer.with(TestServer.configuration { $0.embedICC = false }) { server in
            let tile = try await server.get("/?FIF=\(name)&JTL=\(full),0")
            #expect(JPEGMarkerSegments(tile.body).iccProfile == nil)
            #expect(JPEGMarkerSegments(tile.body).xmpPacket == Self.xmp)
        }
    }

    // WebP-compressed TIFF tiles go out as stored through WTL, IIIF and DeepZoom: decoded by libwebp they are the
    // very pixels libtiff decodes, which a new lossy encode would not give. Edge tiles, which would need cropping,
    // are encoded.
    @Test func storedWebPTilesGoOutAsStored() async throws {
        let name = Self.webp.name
        let image = try PyramidTIFF(path: Fixtures.path(name))
        let full = image.description.resolutionCount - 1
        let source = try image.readTile(resolution: full, tile: 0)
        try await Self.passing.check { server in
            for target in [
                "/?FIF=\(name)&WTL=\(full),0", "/iiif/\(name)/0,0,256,256/256,/0/default.webp",
                "/deepzoom/\(name)_files/\(Self.deepZoomLevel(of: image))/0_0.webp",
            ] {
                let tile = try await server.get(target)
                #expect(tile.status == 200, "\(target)")
                #expect(tile.header("Content-Type") == "image/webp")
                let decoded = try WebPDecoding.decode(tile.body)
                #expect(decoded.bytes == source.bytes, "\(target): the stored tile")
            }
            // An edge tile is 600 - 512 = 88 pixels wide: encoded, at the right size.
            let edge = try await server.get("/?FIF=\(name)&WTL=\(full),2")
            let decoded = try WebPDecoding.decode(edge.body)
            #expect(decoded.width == 88 && decoded.height == 256)
        }
        try await Self.decoding.check { server in
            let tile = try await server.get("/?FIF=\(name)&WTL=\(full),0")
            let decoded = try WebPDecoding.decode(tile.body)
            #expect(decoded.width == 256 && decoded.bytes != source.bytes, "CODEC_PASSTHROUGH=0 encodes again")
        }
        // With an ICC profile and XMP, the stored tile gains ICCP and XMP chunks (a VP8X file) and keeps its pixels.
        let withMetadata = try PyramidTIFF(path: Fixtures.path(Self.webpWithMetadata.name))
        let pixels = try withMetadata.readTile(resolution: full, tile: 0)
        try await Self.passing.check { server in
            let tile = try await server.get("/?FIF=\(Self.webpWithMetadata.name)&WTL=\(full),0")
            #expect(Array(tile.body[12..<16]) == Array("VP8X".utf8))
            #expect(WebPDecoding.chunk(tile.body, "ICCP") == ProtocolsAndFormatsTests.profile)
            #expect(WebPDecoding.chunk(tile.body, "XMP ") == Array(Self.xmp.utf8))
            #expect(try WebPDecoding.decode(tile.body).bytes == pixels.bytes)
        }
    }

    static func deepZoomLevel(of image: PyramidTIFF) -> Int {
        let side = max(image.description.width, image.description.height)
        return Int((log2(Double(side))).rounded(.up))
    }

    static let passing = SharedTestServer(TestServer.configuration { $0.codecPassthrough = true })
    static let decoding = SharedTestServer(TestServer.configuration { $0.codecPassthrough = false })
}
