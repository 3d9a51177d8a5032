import Foundation
import IIPImaging
import IIPModel
import IIPPipeline
import IIPTestSupport
import Testing

/// WATERMARK, WATERMARK_PROBABILITY and WATERMARK_OPACITY through every protocol (iipsrv-reference §6.5).
@Suite("Watermark", .serialized)
struct WatermarkServingTests {
    static let image = FixtureSpec("watermarked.tif", width: 2048, height: 2048)
    static let watermark = "watermark-mark.tif"

    init() throws {
        try Fixtures.make(Self.image)
        let path = Fixtures.path(Self.watermark)
        if !FileManager.default.fileExists(atPath: path) {
            var mark = PixelBuffer(width: 64, height: 64, channels: 3, bitsPerSample: 8)
            mark.bytes = [UInt8](repeating: 200, count: mark.bytes.count)
            var writer = PyramidTIFFWriter()
            writer.compression = .deflate
            try writer.write(mark, to: path + ".partial")
            _ = rename(path + ".partial", path)
        }
    }

    static func configuration(probability: Double, watermark: String = Fixtures.path(watermark)) -> ServerConfiguration
    {
        TestServer.configuration {
            $0.watermark = watermark
            $0.watermarkProbability = probability
        }
    }

    /// Whether `marked` shows a 64-pixel watermark that `plain` does not: thousands of samples much brighter.
    static func isMarked(_ marked: [UInt8], against plain: [UInt8]) throws -> Bool {
        let a = try ImageComparison.decodeJPEG(marked)
        let b = try ImageComparison.decodeJPEG(plain)
        guard a.bytes.count == b.bytes.count else { return false }
        return zip(a.bytes, b.bytes).filter { Int($0) - Int($1) > 60 }.count > 3000
    }

    static let targets = [
        "/?FIF=watermarked.tif&JTL=3,5", "/?FIF=watermarked.tif&WID=500&CVT=jpeg",
        "/iiif/watermarked.tif/512,512,256,256/max/0/default.jpg", "/deepzoom/watermarked.tif_files/11/2_2.jpg",
        "/zoomify/watermarked.tif/TileGroup0/3-1-1.jpg",
    ]

    @Test func probabilityOneMarksEveryProtocolAndZeroNone() async throws {
        var plain: [String: [UInt8]] = [:]
        try await TestServer.with { server in
            for target in Self.targets { plain[target] = try await server.get(target).body }
        }
        try await TestServer.with(Self.configuration(probability: 1)) { server in
            for target in Self.targets {
                let answer = try await server.get(target)
                #expect(answer.status == 200, "\(target)")
                #expect(try Self.isMarked(answer.body, against: plain[target] ?? []), "\(target) is not marked")
            }
        }
        try await TestServer.with(Self.configuration(probability: 0)) { server in
            for target in Self.targets {
                let answer = try await server.get(target)
                #expect(answer.body == plain[target], "\(target) is marked at probability 0")
            }
        }
        // An unreadable watermark leaves watermarking off.
        try await TestServer.with(Self.configuration(probability: 1, watermark: "/nonexistent/mark.tif")) { server in
            let answer = try await server.get(Self.targets[0])
            #expect(answer.body == plain[Self.targets[0]])
        }
    }

    @Test func probabilityOneHalfMarksAboutHalfTheTiles() async throws {
        var plain: [[UInt8]] = []
        try await TestServer.with { server in
            for tile in 0..<64 { plain.append(try await server.get("/?FIF=watermarked.tif&JTL=3,\(tile)").body) }
        }
        try await TestServer.with(Self.configuration(probability: 0.5)) { server in
            var marked = 0
            for tile in 0..<64 {
                let answer = try await server.get("/?FIF=watermarked.tif&JTL=3,\(tile)")
                if try Self.isMarked(answer.body, against: plain[tile]) { marked += 1 }
                // A tile is rolled once while cached: asked again, it comes back the same.
                let again = try await server.get("/?FIF=watermarked.tif&JTL=3,\(tile)")
                #expect(again.body == answer.body)
            }
            // Binomial(64, 0.5): 32 expected, standard deviation 4; outside 12...52 is beyond 5 sigma.
            #expect((12...52).contains(marked), "\(marked) of 64 tiles marked")
            print("watermark at probability 0.5: \(marked) of 64 tiles marked")
        }
    }
}
