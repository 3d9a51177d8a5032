import FastCGI
import Foundation
import IIPModel
import IIPTestSupport
import Testing

/// JPEG 2000 images through every protocol and both frontends, and against iipsrv 1.1, which reads them with the
/// same OpenJPEG (iipsrv-reference §7.3).
@Suite("JPEG 2000 sources", .serialized)
struct JPEG2000ServingTests {
    /// Lossless, one codestream tile, 6 resolutions: no virtual levels.
    static let lossless = JPEG2000Fixtures.Spec("serve-lossless.jp2", width: 1013, height: 677)
    /// Lossy, 3 quality layers, 512 codestream tiles, RPCL with precincts: what archives store.
    static let archival = JPEG2000Fixtures.Spec("serve-archival.jp2", width: 1500, height: 1100).with {
        $0.rates = [40, 10, 2]
        $0.tileSize = 512
        $0.precincts = [256, 128]
        $0.order = "RPCL"
    }
    /// Grey, 16 bits, 5 resolutions.
    static let grey16 = JPEG2000Fixtures.Spec("serve-grey16.jp2", width: 700, height: 500).with {
        $0.channels = 1
        $0.precision = 16
        $0.resolutions = 5
    }
    /// HTJ2K codestream (OpenJPH).
    static let highThroughput = JPEG2000Fixtures.Spec("serve-ht.j2c", width: 800, height: 600).with {
        $0.highThroughput = true
        $0.resolutions = 5
    }

    init() throws {
        for spec in [Self.lossless, Self.archival, Self.grey16, Self.highThroughput] { try JPEG2000Fixtures.make(spec) }
    }

    /// One request per protocol and kind of answer.
    static func requests(_ name: String) -> [String] {
        [
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=0,0",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=2,1",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&WID=300&RGN=0.1,0.2,0.5,0.5&CVT=jpeg",
            "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/info.json",
            "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/0,0,512,512/256,/0/default.jpg",
            "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/full/200,/0/gray.png",
            "/fcgi-bin/iipsrv.fcgi?DeepZoom=\(name).dzi",
            "/fcgi-bin/iipsrv.fcgi?DeepZoom=\(name)_files/9/0_0.jpg",
            "/fcgi-bin/iipsrv.fcgi?Zoomify=\(name)/ImageProperties.xml",
            "/fcgi-bin/iipsrv.fcgi?Zoomify=\(name)/TileGroup0/1-1-0.jpg",
        ]
    }

    // Every protocol answers for every kind of JPEG 2000 file, through nginx and over HTTP, with the same bytes.
    @Test(arguments: [lossless, archival, grey16, highThroughput])
    func everyProtocolThroughBothFrontends(spec: JPEG2000Fixtures.Spec) async throws {
        try await TestServer.withNginx { server, nginx in
            try await server.expectSameAnswers(through: nginx, Self.requests(spec.name))
            let tile = try await server.get("/?FIF=\(spec.name)&JTL=2,0")
            let pixels = try ImageComparison.decodeJPEG(tile.body)
            #expect(pixels.width == 256 && pixels.height == 256)
            let info = try await server.get("/iiif/\(spec.name)/info.json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.body)) as? [String: Any])
            #expect(json["width"] as? Int == spec.width && json["height"] as? Int == spec.height)
        }
    }

    // iipsrv-reference §2.1: LYR picks the quality layers of a JPEG 2000 tile; each count is cached apart.
    @Test func lyrChoosesTheLayersOfATile() async throws {
        try await TestServer.with(TestServer.configuration { $0.codecPassthrough = false }) { server in
            let one = try await server.get("/?FIF=\(Self.archival.name)&LYR=1&JTL=3,5")
            let three = try await server.get("/?FIF=\(Self.archival.name)&LYR=3&JTL=3,5")
            let oneAgain = try await server.get("/?FIF=\(Self.archival.name)&LYR=1&JTL=3,5")
            let plain = try await server.get("/?FIF=\(Self.archival.name)&JTL=3,5")
            #expect(one.status == 200 && three.status == 200)
            #expect(one.body != three.body)
            #expect(one.body == oneAgain.body)
            // No LYR: half of the 3 layers rounded up, the same decode as LYR=2.
            let two = try await server.get("/?FIF=\(Self.archival.name)&LYR=2&JTL=3,5")
            #expect(plain.body == two.body)
            let original = try ImageComparison.decodeJPEG(three.body)
            let coarse = try ImageComparison.decodeJPEG(one.body)
            #expect(ImageComparison.psnr(original, coarse) < 60)
        }
    }

    @Test func aDamagedFileIsRefusedAndTheServerGoesOn() async throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(Self.archival.name)))
        try original.prefix(original.count / 4).write(to: URL(fileURLWithPath: Fixtures.path("serve-cut.jp2")))
        try Data(Array(original.prefix(12)) + [UInt8](repeating: 0x33, count: 500))
            .write(to: URL(fileURLWithPath: Fixtures.path("serve-garbage.jp2")))
        try await TestServer.with { server in
            for name in ["serve-cut.jp2", "serve-garbage.jp2"] {
                for query in ["OBJ=Max-size", "JTL=3,0", "JTL=3,5", "WID=200&CVT=jpeg"] {
                    let answer = try await server.get("/?FIF=\(name)&\(query)")
                    #expect(answer.status < 500 || answer.status == 503, "\(name) \(query): \(answer.status)")
                }
            }
            let healthy = try await server.get("/?FIF=\(Self.lossless.name)&JTL=0,0")
            #expect(healthy.status == 200)
        }
    }

    // MAX_JPEG2000_TILES and MAX_TILE_BYTES bound what a file may declare: over them it is refused, under them
    // served.
    @Test func theCodestreamTileAndTileByteLimitsAreSettings() async throws {
        let tiff = try Fixtures.make(FixtureSpec("limits-rgb.tif", width: 600, height: 400))
        try await TestServer.with(
            TestServer.configuration {
                $0.maxJPEG2000Tiles = 8
                $0.maxTileBytes = 100_000
            }
        ) { server in
            // 1500 x 1100 in 512-pixel codestream tiles: 9 tiles. 256 x 256 RGB tiles: 196,608 bytes.
            let archival = try await server.get("/?FIF=\(Self.archival.name)&OBJ=Max-size")
            #expect((400..<500).contains(archival.status), "\(archival.status)")
            let stored = try await server.get("/?FIF=\(tiff)&OBJ=Max-size")
            #expect((400..<500).contains(stored.status), "\(stored.status)")
            let small = try await server.get("/?FIF=\(Self.lossless.name)&OBJ=Max-size")
            #expect(small.status == 200)
        }
        try await TestServer.with { server in
            let archival = try await server.get("/?FIF=\(Self.archival.name)&OBJ=Max-size")
            let stored = try await server.get("/?FIF=\(tiff)&OBJ=Max-size")
            #expect(archival.status == 200 && stored.status == 200)
        }
    }

    // MARK: - Against iipsrv 1.1

    static let objectQuery =
        "OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number&OBJ=Resolutions&OBJ=Horizontal-views"
        + "&OBJ=Vertical-views"

    @Test(
        .enabled(if: ReferenceServer.enabled, "no reference iipsrv (run .ci/test)"),
        arguments: [lossless, archival])
    func tilesAndMetadataMatchIipsrv(spec: JPEG2000Fixtures.Spec) async throws {
        try await TestServer.with(TestServer.configuration { $0.codecPassthrough = false }) { server in
            let ours = try await server.get("/?FIF=\(spec.name)&\(Self.objectQuery)")
            let theirs = try await ReferenceServer.get("FIF=\(spec.name)&\(Self.objectQuery)")
            #expect(ours.status == 200 && theirs.status == 200)
            #expect(ours.text == theirs.text)
            let levels = JPEG2000LevelSizes.of(width: spec.width, height: spec.height)
            var psnrs: [Double] = []
            for (resolution, level) in levels.enumerated() {
                let count = ((level.0 + 255) / 256) * ((level.1 + 255) / 256)
                for tile in 0..<count {
                    let query = "FIF=\(spec.name)&JTL=\(resolution),\(tile)"
                    let a = try ImageComparison.decodeJPEG(try await server.get("/?\(query)").body)
                    let b = try ImageComparison.decodeJPEG(try await ReferenceServer.get(query).body)
                    #expect(a.width == b.width && a.height == b.height, "\(query)")
                    guard a.bytes.count == b.bytes.count else { continue }
                    let psnr = ImageComparison.psnr(a, b)
                    psnrs.append(psnr)
                    #expect(psnr > 35, "\(query): PSNR \(psnr) dB")
                }
            }
            #expect(!psnrs.isEmpty)
            let finite = psnrs.filter(\.isFinite)
            print(
                "differential \(spec.name): \(psnrs.count) tiles equal in size, PSNR "
                    + "\(finite.min().map { String(format: "%.1f", $0) } ?? "identical") ... "
                    + "\(finite.count < psnrs.count ? "identical" : String(format: "%.1f", finite.max() ?? 0)) dB")
            // A region export: the same size, and the same picture within JPEG error.
            let export = "FIF=\(spec.name)&WID=400&RGN=0.1,0.1,0.6,0.6&CVT=jpeg"
            let a = try ImageComparison.decodeJPEG(try await server.get("/?\(export)").body)
            let b = try ImageComparison.decodeJPEG(try await ReferenceServer.get(export).body)
            #expect(a.width == b.width && a.height == b.height)
            if a.bytes.count == b.bytes.count { #expect(ImageComparison.psnr(a, b) > 28) }
        }
    }
}

/// iipsrv's JPEG 2000 level sizes, smallest first: floor halves until both sides fit in 256.
enum JPEG2000LevelSizes {
    static func of(width: Int, height: Int) -> [(Int, Int)] {
        var sizes = [(width, height)]
        var (w, h) = (width, height)
        while w > 256 || h > 256 {
            w /= 2
            h /= 2
            sizes.append((w, h))
        }
        return sizes.reversed()
    }
}
