import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// The TIFF sample layouts of issue 10, item 3 through every protocol and both frontends, and broken files of
/// those layouts answered with a 4xx while the server goes on serving.
@Suite("TIFF sample layouts served", .serialized)
struct SampleLayoutServingTests {
    typealias Layouts = SampleLayoutComparisonTests

    static let served = [Layouts.palette, Layouts.f64, Layouts.s32, Layouts.bands5Separate, Layouts.bands7x16]

    init() throws {
        for spec in Self.served { try Fixtures.make(spec) }
    }

    // IIP, IIIF, DeepZoom and Zoomify answer, through nginx and over HTTP, with the same bytes.
    @Test(arguments: served)
    func everyProtocolThroughBothFrontends(spec: FixtureSpec) async throws {
        try await TestServer.withNginx { server, nginx in
            try await server.expectSameAnswers(through: nginx, JPEG2000ServingTests.requests(spec.name))
            let tile = try ImageComparison.decodeJPEG(try await server.get("/?FIF=\(spec.name)&JTL=2,1").body)
            #expect(tile.width == 256 && tile.height == 256)
            // Palette images are colour; five bands or more are grey with extra bands, sent as their first three.
            #expect(tile.channels == (spec.channels == 1 && !spec.palette ? 1 : 3), "\(spec.name)")
        }
    }

    /// Palette files without a usable ColorMap and sample formats the reader refuses: 4xx on every protocol.
    @Test func brokenLayoutsGet4xxAndTheServerGoesOn() async throws {
        func palette(bits: UInt16 = 8, colorMap: Int?, format: UInt16? = nil) -> HandmadeTIFF.Directory {
            var directory = HandmadeTIFF.tiled(
                width: 300, height: 200, tileWidth: 64, tileHeight: 64, bitsPerSample: bits, photometric: 3,
                sampleFormat: format)
            if let colorMap { directory.entries.append((320, .short((0..<colorMap).map { UInt16($0 % 65536) }))) }
            return directory
        }
        let files: [(String, HandmadeTIFF.Directory)] = [
            ("serve-palette-missing.tif", palette(colorMap: nil)),
            ("serve-palette-short.tif", palette(colorMap: 48)),
            ("serve-palette-4bit-missing.tif", palette(bits: 4, colorMap: nil)),
            ("serve-palette-signed.tif", palette(colorMap: 768, format: 2)),
            (
                "serve-int64.tif",
                HandmadeTIFF.tiled(width: 300, height: 200, tileWidth: 64, tileHeight: 64, bitsPerSample: 64)
            ),
        ]
        for (name, directory) in files {
            _ = try HandmadeTIFF(directories: [directory]).write(name, in: Fixtures.directory)
        }
        try await TestServer.with { server in
            for (name, _) in files {
                for target in [
                    "/?FIF=\(name)&OBJ=Max-size", "/?FIF=\(name)&JTL=0,0", "/?FIF=\(name)&WID=100&CVT=jpeg",
                    "/iiif/\(name)/info.json", "/deepzoom/\(name).dzi", "/zoomify/\(name)/ImageProperties.xml",
                ] {
                    let answer = try await server.get(target)
                    #expect((400..<500).contains(answer.status), "\(target): \(answer.status)")
                    #expect(!answer.text.contains(Fixtures.directory), "\(target) shows the path")
                }
            }
            let missing = try await server.get("/?FIF=serve-palette-missing.tif&OBJ=Max-size")
            #expect(missing.text.contains("ColorMap"), "\(missing.text)")
            let healthy = try await server.get("/?FIF=\(Layouts.palette.name)&JTL=0,0")
            #expect(healthy.status == 200)
        }
    }
}
