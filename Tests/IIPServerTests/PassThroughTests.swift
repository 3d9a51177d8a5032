import Foundation
import IIPImaging
import IIPTestSupport
import Testing

/// Codec pass-through (iipsrv-reference §3.3): stored JPEG tiles go out as stored, and agree in pixels with
/// the same tiles decoded and re-encoded.
@Suite("Codec pass-through")
struct PassThroughTests {
    init() throws { try StandardFixtures.prepare() }

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

    static let passing = SharedTestServer(TestServer.configuration { $0.codecPassthrough = true })
    static let decoding = SharedTestServer(TestServer.configuration { $0.codecPassthrough = false })
}
