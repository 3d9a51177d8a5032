import FastCGI
import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Plain JPEG files through every protocol and both frontends (iipsrv-reference §7.2; iipsrv master reads them,
/// 1.1 does not, so the reference here is libjpeg-turbo's own decode of the file).
@Suite("JPEG sources", .serialized)
struct JPEGServingTests {
    static let colour = JPEGFixtures.Spec("serve-photo.jpg", width: 1700, height: 1100).with {
        $0.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>"
        $0.exif = Array("MM\0*\0\0\0\u{8}\0\0".utf8)
        $0.density = (unit: 1, x: 300, y: 300)
    }
    static let grey = JPEGFixtures.Spec("serve-grey.jpg", width: 900, height: 260).with {
        $0.channels = 1
        $0.progressive = true
    }
    static let cmyk = JPEGFixtures.Spec("serve-cmyk.jpg", width: 64, height: 64).with { $0.channels = 4 }

    init() throws {
        for spec in [Self.colour, Self.grey, Self.cmyk] { try JPEGFixtures.make(spec) }
    }

    // Every protocol answers, through nginx and over HTTP, with the same bytes.
    @Test(arguments: [colour, grey])
    func everyProtocolThroughBothFrontends(spec: JPEGFixtures.Spec) async throws {
        try await TestServer.withNginx { server, nginx in
            try await server.expectSameAnswers(through: nginx, JPEG2000ServingTests.requests(spec.name))
            let object = try await server.get("/?FIF=\(spec.name)&OBJ=Max-size&OBJ=Resolution-number&OBJ=Tile-size")
            let levels = JPEG2000LevelSizes.of(width: spec.width, height: spec.height).count
            #expect(
                object.text
                    == "Max-size:\(spec.width) \(spec.height)\r\nResolution-number:\(levels)\r\nTile-size:256 256\r\n")
        }
    }

    // Tiles and exports show the file's picture: libjpeg-turbo's decode at that scale, within the error of the
    // JPEG the server sends (the source's exact pixels are checked in JPEGSourceTests).
    @Test func tilesAndExportsShowThePicture() async throws {
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path(Self.colour.name))))
        try await TestServer.with(TestServer.configuration { $0.codecPassthrough = false }) { server in
            let levels = JPEG2000LevelSizes.of(width: Self.colour.width, height: Self.colour.height)
            var psnrs: [Double] = []
            for halvings in 0..<levels.count {
                let resolution = levels.count - 1 - halvings
                let whole = try JPEGDecoder().decode(file, scaleDenominator: 1 << min(halvings, 3))
                for (tile, x, y) in [(0, 0, 0), (1, 256, 0)] where levels[resolution].0 > x + 1 {
                    let answer = try await server.get("/?FIF=\(Self.colour.name)&JTL=\(resolution),\(tile)")
                    let pixels = try ImageComparison.decodeJPEG(answer.body)
                    let width = min(256, levels[resolution].0 - x)
                    let height = min(256, levels[resolution].1 - y)
                    #expect(pixels.width == width && pixels.height == height, "JTL=\(resolution),\(tile)")
                    guard halvings <= 3, pixels.width == width, pixels.height == height else { continue }
                    let psnr = ImageComparison.psnr(pixels, whole.cropped(x: x, y: y, width: width, height: height))
                    psnrs.append(psnr)
                    // One more JPEG generation at quality 75 of a noisy pattern: 31-44 dB seen; a tile one pixel
                    // off scores below 20.
                    #expect(psnr > 28, "JTL=\(resolution),\(tile): PSNR \(psnr)")
                }
            }
            print(
                "JPEG tiles against libjpeg-turbo: \(psnrs.count) tiles, PSNR \(psnrs.min() ?? 0) ... \(psnrs.max() ?? 0) dB"
            )
            let export = try await server.get("/iiif/\(Self.colour.name)/200,100,800,600/400,/0/default.jpg")
            let exported = try ImageComparison.decodeJPEG(export.body)
            #expect(exported.width == 400 && exported.height == 300)
            let half = try JPEGDecoder().decode(file, scaleDenominator: 2)
            let reference = half.cropped(x: 100, y: 50, width: 400, height: 300)
            #expect(ImageComparison.psnr(exported, reference) > 28, "PSNR \(ImageComparison.psnr(exported, reference))")
        }
    }

    // iipsrv-reference §6.6: EXIF and XMP of JPEG input are embedded in exports; the JFIF density is scaled.
    @Test func exportsCarryTheFilesEXIFXMPAndDensity() async throws {
        try await TestServer.with { server in
            let jpeg = try await server.get("/?FIF=\(Self.colour.name)&WID=850&CVT=jpeg").body
            let exif = Array("Exif".utf8) + [0, 0] + Self.colour.exif!
            #expect(Self.contains(jpeg, exif))
            #expect(Self.contains(jpeg, Array(Self.colour.xmp!.utf8)))
            // JFIF: units 1 (inch), 150 x 150 at half size.
            #expect(Array(jpeg[13...17]) == [1, 0, 150, 0, 150])
            let png = try await server.get("/?FIF=\(Self.colour.name)&WID=100&CVT=png").body
            #expect(Self.contains(png, Array("eXIf".utf8) + Self.colour.exif!))
            // Tiles carry the EXIF block and XMP too, as iipsrv master's do (§6.6).
            let tile = try await server.get("/?FIF=\(Self.colour.name)&JTL=0,0").body
            #expect(Self.contains(tile, exif))
            #expect(Self.contains(tile, Array(Self.colour.xmp!.utf8)))
        }
    }

    @Test func cmykAndBrokenJPEGsGet4xxAndTheServerGoesOn() async throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(Self.colour.name)))
        try Data(Array(original.prefix(3)) + [UInt8](repeating: 0x21, count: 400))
            .write(to: URL(fileURLWithPath: Fixtures.path("serve-garbage.jpg")))
        try original.prefix(original.count / 3).write(to: URL(fileURLWithPath: Fixtures.path("serve-cut.jpg")))
        try await TestServer.with { server in
            for name in [Self.cmyk.name, "serve-garbage.jpg"] {
                for target in ["/?FIF=\(name)&OBJ=Max-size", "/?FIF=\(name)&JTL=0,0", "/iiif/\(name)/info.json"] {
                    let answer = try await server.get(target)
                    #expect((400..<500).contains(answer.status), "\(target): \(answer.status)")
                }
            }
            // A cut file keeps its header: libjpeg shows what is there and fills the rest with grey.
            for query in ["JTL=3,0", "JTL=3,20", "WID=300&CVT=jpeg"] {
                let answer = try await server.get("/?FIF=serve-cut.jpg&\(query)")
                #expect(answer.status == 200, "serve-cut.jpg \(query): \(answer.status)")
            }
            let healthy = try await server.get("/?FIF=\(Self.grey.name)&JTL=0,0")
            #expect(healthy.status == 200)
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
