import FastCGI
import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Image sequences (FILENAME_PATTERN, iipsrv-reference §7.5) and multi-page TIFF stacks (§7.1) through every
/// protocol and both frontends, and sequences against iipsrv 1.1, which reads them too.
@Suite("Sequences and stacks", .serialized)
struct SequenceServingTests {
    static let sequence = "sequence"
    static let stack = "serve-stack.tif"
    static let flatStack = "serve-flat-stack.tif"

    init() throws {
        try SequenceFixtures.makeSequence(Self.sequence, width: 700, height: 500)
        try SequenceFixtures.makeStack(Self.stack, width: 600, height: 400, pages: 3, subIFDs: true)
        try SequenceFixtures.makeStack(Self.flatStack, width: 300, height: 200, pages: 4, subIFDs: false)
    }

    static let objectQuery =
        "OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number&OBJ=Horizontal-views&OBJ=Vertical-views"

    // Every protocol answers for a sequence (its first view) and a stack (its first layer), through nginx and over
    // HTTP, with the same bytes.
    @Test(arguments: [sequence, stack])
    func everyProtocolThroughBothFrontends(name: String) async throws {
        try await TestServer.withNginx { server, nginx in
            try await server.expectSameAnswers(through: nginx, JPEG2000ServingTests.requests(name))
        }
    }

    // SDS picks a view: its tiles and exports are those of the view's own file, and each view is cached apart.
    @Test func sdsPicksTheViewsFile() async throws {
        try await TestServer.with { server in
            let views = try await server.get("/?FIF=\(Self.sequence)&OBJ=Horizontal-views&OBJ=Vertical-views")
            #expect(views.text == "Horizontal-views:0 10 20\r\nVertical-views:0 90\r\n")
            var bodies: Set<[UInt8]> = []
            for view in SequenceFixtures.views {
                let file = SequenceFixtures.fileName(
                    Self.sequence, horizontal: view.horizontal, vertical: view.vertical)
                for query in ["JTL=2,1", "WID=300&RGN=0.2,0.2,0.5,0.5&CVT=png"] {
                    let viaSequence = try await server.get(
                        "/?FIF=\(Self.sequence)&SDS=\(view.horizontal),\(view.vertical)&\(query)")
                    let viaFile = try await server.get("/?FIF=\(file)&\(query)")
                    #expect(viaSequence.status == 200 && viaSequence.body == viaFile.body, "\(file) \(query)")
                    bodies.insert(viaSequence.body)
                }
            }
            #expect(bodies.count == SequenceFixtures.views.count * 2)
            // No SDS is the 0, 90 view.
            let plain = try await server.get("/?FIF=\(Self.sequence)&JTL=2,1")
            let first = try await server.get("/?FIF=\(Self.sequence)&SDS=0,90&JTL=2,1")
            #expect(plain.body == first.body)
        }
    }

    @Test func missingViewsAndBrokenSequencesAre4xx() async throws {
        // Two files for the first view, with different extensions.
        let two = "two-extensions"
        try SequenceFixtures.makeSequence(two, width: 100, height: 100)
        let first = Fixtures.path(SequenceFixtures.fileName(two, horizontal: 0, vertical: 90))
        _ = try? FileManager.default.removeItem(atPath: first.replacingOccurrences(of: ".tif", with: ".jp2"))
        try FileManager.default.copyItem(atPath: first, toPath: first.replacingOccurrences(of: ".tif", with: ".jp2"))
        try await TestServer.with { server in
            let missing = try await server.get("/?FIF=\(Self.sequence)&SDS=30,90&JTL=0,0")
            #expect((400..<500).contains(missing.status), "\(missing.status)")
            let vertical = try await server.get("/?FIF=\(Self.sequence)&SDS=10,0&JTL=0,0")
            #expect((400..<500).contains(vertical.status), "\(vertical.status)")
            let extensions = try await server.get("/?FIF=\(two)&OBJ=Max-size")
            #expect(extensions.status == 404)
            #expect(extensions.text.contains("multiple file extensions"))
            let none = try await server.get("/?FIF=no-such-sequence&OBJ=Max-size")
            #expect(none.status == 404)
            #expect(none.text.contains("is neither a file nor part of an image sequence"))
            // Glob characters name files, never patterns, whatever combining marks surround them.
            for path in ["seq*", "sequenc%3F", "%5Bs%5Dequence", ".%5B%CC%81.%D8%80%5D/sequence"] {
                let pattern = try await server.get("/?FIF=\(path)&OBJ=Max-size")
                #expect(pattern.status == 404, "\(path)")
                #expect(pattern.text.contains("is neither a file nor part of an image sequence"), "\(path)")
            }
            let healthy = try await server.get("/?FIF=\(Self.sequence)&JTL=0,0")
            #expect(healthy.status == 200)
        }
    }

    // A stack's layers are its views: SDS or an IIIF page index picks one.
    @Test(arguments: [stack, flatStack])
    func stackLayersAreViews(name: String) async throws {
        let size = name == Self.stack ? (600, 400) : (300, 200)
        let pages = name == Self.stack ? 3 : 4
        try await TestServer.with(TestServer.configuration { $0.iiifDelimiter = "," }) { server in
            let views = try await server.get("/?FIF=\(name)&OBJ=Horizontal-views")
            #expect(views.text == "Horizontal-views:" + (0..<pages).map(String.init).joined(separator: " ") + "\r\n")
            let height = min(256, size.1)
            let crops = (0..<pages).map {
                SequenceFixtures.stackPage(name, page: $0, width: size.0, height: size.1)
                    .cropped(x: 0, y: 0, width: 256, height: height)
            }
            // JPEG's loss depends on the random picture, so a fixed PSNR bar alone is flaky: each answer must be
            // close to its own page and closer to it than to any other page.
            func nearestPage(_ body: [UInt8], _ label: String) throws -> Int {
                let decoded = try ImageComparison.decodeJPEG(body)
                try #require(decoded.width == 256 && decoded.height == height, "\(label)")
                let scores = crops.map { ImageComparison.psnr(decoded, $0) }
                let best = scores.indices.max { scores[$0] < scores[$1] }!
                #expect(scores[best] > 25, "\(label): PSNR \(scores[best])")
                return best
            }
            for page in 0..<pages {
                let tile = try await server.get("/?FIF=\(name)&SDS=\(page)&JTL=\(name == Self.stack ? 2 : 0),0")
                #expect(try nearestPage(tile.body, "\(name) page \(page)") == page)
                let iiif = try await server.get("/iiif/\(name),\(page)/0,0,256,\(height)/max/0/default.jpg")
                #expect(iiif.status == 200, "\(name),\(page) via IIIF: \(iiif.status)")
                #expect(try nearestPage(iiif.body, "\(name),\(page) via IIIF") == page)
            }
            let outside = try await server.get("/?FIF=\(name)&SDS=\(pages)&JTL=0,0")
            #expect((400..<500).contains(outside.status))
        }
    }

    // MARK: - Against iipsrv 1.1

    // A sequence of JPEG 2000 files: iipsrv 1.1 reads those too.
    @Test(.enabled(if: ReferenceServer.enabled, "no reference iipsrv (run .ci/test)"))
    func jpeg2000SequencesMatchIipsrv() async throws {
        for angle in [0, 15] {
            try JPEG2000Fixtures.make(
                JPEG2000Fixtures.Spec("jseq_pyr_\(String(format: "%03d", angle))_090.jp2", width: 600, height: 450))
        }
        try await TestServer.with(TestServer.configuration { $0.codecPassthrough = false }) { server in
            let ours = try await server.get("/?FIF=jseq&\(Self.objectQuery)")
            let theirs = try await ReferenceServer.get("FIF=jseq&\(Self.objectQuery)")
            #expect(ours.status == 200 && ours.text == theirs.text, "\(ours.text) against \(theirs.text)")
            var bodies: [[UInt8]] = []
            // 1.1's JPEG 2000 reader keeps the first view's file whatever SDS says (its SDS=15,90 tile is the 0, 90
            // one), so each view is compared with 1.1's answer for the view's own file.
            for angle in [0, 15] {
                let query = "FIF=jseq&SDS=\(angle),90&JTL=2,1"
                let file = "FIF=jseq_pyr_\(String(format: "%03d", angle))_090.jp2&JTL=2,1"
                let a = try await server.get("/?\(query)")
                let b = try ImageComparison.decodeJPEG(try await ReferenceServer.get(file).body)
                let decoded = try ImageComparison.decodeJPEG(a.body)
                try #require(decoded.width == b.width && decoded.height == b.height)
                #expect(ImageComparison.psnr(decoded, b) > 35, "\(query)")
                bodies.append(a.body)
            }
            #expect(bodies[0] != bodies[1])
        }
    }

    @Test(.enabled(if: ReferenceServer.enabled, "no reference iipsrv (run .ci/test)"))
    func sequencesMatchIipsrv() async throws {
        try await TestServer.with(TestServer.configuration { $0.codecPassthrough = false }) { server in
            let ours = try await server.get("/?FIF=\(Self.sequence)&\(Self.objectQuery)")
            let theirs = try await ReferenceServer.get("FIF=\(Self.sequence)&\(Self.objectQuery)")
            #expect(ours.status == 200 && theirs.status == 200)
            #expect(ours.text == theirs.text)
            var psnrs: [Double] = []
            for view in SequenceFixtures.views {
                for query in ["JTL=0,0", "JTL=2,3", "WID=350&RGN=0.1,0.1,0.5,0.5&CVT=jpeg"] {
                    // 1.1 resets the angles at FIF, so SDS comes after it.
                    let full = "FIF=\(Self.sequence)&SDS=\(view.horizontal),\(view.vertical)&\(query)"
                    let a = try ImageComparison.decodeJPEG(try await server.get("/?\(full)").body)
                    let b = try ImageComparison.decodeJPEG(try await ReferenceServer.get(full).body)
                    #expect(a.width == b.width && a.height == b.height, "\(full)")
                    guard a.bytes.count == b.bytes.count else { continue }
                    let psnr = ImageComparison.psnr(a, b)
                    psnrs.append(psnr)
                    #expect(psnr > 30, "\(full): PSNR \(psnr)")
                }
            }
            let finite = psnrs.filter(\.isFinite)
            print(
                "differential sequence: \(psnrs.count) answers equal in size, PSNR \(finite.min() ?? .infinity) ... \(finite.max() ?? .infinity) dB"
            )
            for query in ["FIF=no-such-sequence&OBJ=Max-size"] {
                let a = try await server.get("/?\(query)")
                let b = try await ReferenceServer.get(query)
                #expect(a.status == b.status, "\(query): \(a.status) against \(b.status)")
            }
        }
    }
}
