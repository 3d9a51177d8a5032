import Foundation
import IIPImaging
import IIPTestSupport
import Testing

/// The same requests to this server and to the real iipsrv 1.1 (Debian's iipimage-server behind nginx):
/// metadata must be equal, tiles must have iipsrv's size and its pixels within JPEG error, errors the same status.
///
/// The fixtures are generated with a fresh seed on each run (IIP_TEST_SEED reproduces one), so the comparison is
/// always on images neither server has seen before.
@Suite("Compatibility with iipsrv", .enabled(if: ReferenceServer.enabled, "no reference iipsrv (run .ci/test)"))
struct ReferenceComparisonTests {
    init() throws { try StandardFixtures.prepare() }

    /// OBJ answers of iipsrv 1.1 and this server, line by line (iipsrv-reference §3.1).
    static let objectQueries = [
        "OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number&OBJ=Resolutions&OBJ=Bits-per-channel"
            + "&OBJ=Min-Max-sample-values&OBJ=Colorspace,0-2,0:0&OBJ=Horizontal-views&OBJ=Vertical-views",
        "OBJ=IIP,1.0&OBJ=basic-info",
        "OBJ=iip-server&OBJ=iip-opt-comm&OBJ=iip-opt-obj",
        "OBJ=Max-size&ROT=90&OBJ=Max-size",
    ]

    @Test(arguments: StandardFixtures.comparable)
    func metadataEqualsIipsrv(fixture: FixtureSpec) async throws {
        try await Self.server.check { server in
            for objects in Self.objectQueries {
                let query = "FIF=\(fixture.name)&\(objects)"
                let ours = try await server.get("/fcgi-bin/iipsrv.fcgi?\(query)")
                let theirs = try await ReferenceServer.get(query)
                #expect(ours.status == theirs.status, "\(query)")
                #expect(Self.lines(ours.body) == Self.lines(theirs.body), "\(query)")
                #expect(ours.header("Content-Type") == theirs.header("Content-Type"))
            }
        }
    }

    @Test func metadataFieldsEqualIipsrv() async throws {
        try await Self.server.check { server in
            let query =
                "FIF=\(StandardFixtures.withMetadata.name)&OBJ=copyright&OBJ=author&OBJ=subject&OBJ=create-dtm"
                + "&OBJ=app-name&OBJ=summary-info"
            let ours = try await server.get("/?\(query)")
            let theirs = try await ReferenceServer.get(query)
            #expect(ours.status == 200 && theirs.status == 200)
            #expect(Self.lines(ours.body) == Self.lines(theirs.body))
        }
    }

    // iipsrv-reference §3.2: every tile of every resolution.
    @Test(arguments: StandardFixtures.comparable)
    func tilesMatchIipsrv(fixture: FixtureSpec) async throws {
        try await Self.server.check { server in
            let info = try await server.get("/?FIF=\(fixture.name)&OBJ=Resolutions&OBJ=Tile-size")
            let (levels, tileSize) = try Self.parseLevels(info.text)
            var psnrs: [Double] = []
            for (resolution, level) in levels.enumerated() {
                let count = ((level.0 + tileSize.0 - 1) / tileSize.0) * ((level.1 + tileSize.1 - 1) / tileSize.1)
                for tile in 0..<count {
                    let query = "FIF=\(fixture.name)&JTL=\(resolution),\(tile)"
                    let ours = try await server.get("/fcgi-bin/iipsrv.fcgi?\(query)")
                    let theirs = try await ReferenceServer.get(query)
                    #expect(ours.status == 200 && theirs.status == 200, "\(query)")
                    #expect(ours.header("Content-Type") == theirs.header("Content-Type"))
                    let a = try ImageComparison.decodeJPEG(ours.body)
                    let b = try ImageComparison.decodeJPEG(theirs.body)
                    #expect(a.width == b.width && a.height == b.height && a.channels == b.channels, "\(query)")
                    guard a.bytes.count == b.bytes.count else { continue }
                    let psnr = ImageComparison.psnr(a, b)
                    psnrs.append(psnr)
                    #expect(psnr > 35, "\(query): PSNR \(psnr) dB")
                }
            }
            #expect(!psnrs.isEmpty)
            let finite = psnrs.filter(\.isFinite)
            let low = finite.min().map { String(format: "%.1f", $0) } ?? "identical"
            let high = finite.count < psnrs.count ? "identical" : String(format: "%.1f", finite.max() ?? 0)
            print("differential \(fixture.name): \(psnrs.count) tiles equal in size, PSNR \(low) ... \(high) dB")
        }
    }

    /// Requests both servers must refuse, with the same status.
    static let errorQueries = [
        "FIF=no-such-file.tif&OBJ=Max-size", "FIF=../../../../etc/passwd&OBJ=Max-size", "FIF=/etc/passwd&JTL=0,0",
        "FIF=untiled.tif&JTL=0,0", "FIF=truncated.tif&JTL=0,0", "FIF=not-an-image.tif&OBJ=Max-size",
        "FIF=rgb-jpeg-odd.tif&JTL=0,100", "FIF=rgb-jpeg-odd.tif&JTL=3,0", "FIF=rgb-jpeg-odd.tif&JTL=-1,0",
        "FIF=rgb-jpeg-odd.tif&JTL=0,-5", "FIF=rgb-jpeg-odd.tif&JTL=99999999999999999999,0",
        "FIF=rgb-jpeg-odd.tif&OBJ=no-such-object", "FIF=rgb-jpeg-odd.tif&FOO=1&OBJ=Max-size", "OBJ=Max-size",
        "JTL=0,0", "FIF=rgb-jpeg-odd.tif", "FIF=rgb-jpeg-odd.tif&OBJ=summary-info", "FOO=bar", "=&=&&",
        "FIF=rgb-jpeg-odd.tif&OBJ=dpi",
    ]

    @Test(arguments: errorQueries)
    func errorStatusesEqualIipsrv(query: String) async throws {
        try await Self.server.check { server in
            let ours = try await server.get("/fcgi-bin/iipsrv.fcgi?\(query)")
            let theirs = try await ReferenceServer.get(query)
            #expect(ours.status == theirs.status, "\(query): ours \(ours.status), iipsrv \(theirs.status)")
            #expect((400..<500).contains(ours.status))
        }
    }

    static func lines(_ body: [UInt8]) -> [String] {
        String(decoding: body, as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    static func parseLevels(_ text: String) throws -> ([(Int, Int)], (Int, Int)) {
        var levels: [(Int, Int)] = []
        var tile = (256, 256)
        for line in text.components(separatedBy: "\r\n") {
            if line.hasPrefix("Resolutions:") {
                levels = line.dropFirst("Resolutions:".count).split(separator: ",").map {
                    let parts = $0.split(separator: " ").compactMap { Int($0) }
                    return (parts[0], parts[1])
                }
            } else if line.hasPrefix("Tile-size:") {
                let parts = line.dropFirst("Tile-size:".count).split(separator: " ").compactMap { Int($0) }
                tile = (parts[0], parts[1])
            }
        }
        return (levels, tile)
    }

    /// iipsrv 1.1 decodes and re-encodes every tile, so this server is compared with pass-through off: like with
    /// like. Pass-through tiles are checked against decoded ones in ``PassThroughTests``.
    static let server = SharedTestServer(TestServer.configuration { $0.codecPassthrough = false })
}
