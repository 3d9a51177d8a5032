import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// COPYRIGHT gives images without a rights statement one, everywhere the image's rights appear: OBJ, IIIF and the
/// metadata embedded in exports (iipsrv-reference §6.6); and OBJ `scale` answers the TIFF STONITS value as master
/// does (§3.1).
@Suite("COPYRIGHT and OBJ scale")
struct CopyrightAndScaleTests {
    init() throws {
        try StandardFixtures.prepare()
        try Fixtures.make(Self.scaled)
    }

    static let scaled = FixtureSpec("scaled-stonits.tif", width: 300, height: 200).with {
        $0.metadata.scale = 0.0025
        $0.compression = .deflate
    }
    static let notice = "(c) The Collection, 2026"

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }

    @Test func copyrightFillsTheRightsOfImagesWithout() async throws {
        let configuration = TestServer.configuration { $0.copyright = Self.notice }
        try await TestServer.with(configuration) { server in
            let image = StandardFixtures.rgbJPEG.name
            #expect(try await server.get("/?FIF=\(image)&OBJ=rights").text == Self.notice + "\r\n")
            let legacy = "copyright/\(Self.notice.utf8.count):\(Self.notice)\r\n"
            #expect(try await server.get("/?FIF=\(image)&OBJ=copyright").text == legacy)
            #expect(try await server.get("/?FIF=\(image)&OBJ=metadata").text.contains("\"rights\": \"\(Self.notice)\""))
            let tiff = try await server.get("/?FIF=\(image)&WID=100&CVT=tiff")
            #expect(Self.contains(tiff.body, Array(Self.notice.utf8) + [0]), "TIFF Copyright tag")
            let png = try await server.get("/?FIF=\(image)&WID=100&CVT=png")
            #expect(Self.contains(png.body, Array("Copyright".utf8) + [0] + Array(Self.notice.utf8)), "PNG tEXt")
            // 2.1 `attribution` (text that is not a URI).
            let info = try await server.get("/iiif/\(image)/info.json", headers: [("Accept", "application/ld+json")])
            let v2 = try await TestServer.with(
                TestServer.configuration {
                    $0.copyright = Self.notice
                    $0.iiifVersion = 2
                }
            ) { two in try await two.get("/iiif/\(image)/info.json") }
            #expect(info.status == 200)
            #expect(v2.text.contains("\"attribution\" : \"\(Self.notice)\""), "\(v2.text)")
            // An image with its own statement keeps it.
            let own = try await server.get("/?FIF=\(StandardFixtures.withMetadata.name)&OBJ=rights")
            #expect(own.text == "(c) Test Owner\r\n")
        }
        try await TestServer.with { server in
            let none = try await server.get("/?FIF=\(StandardFixtures.rgbJPEG.name)&OBJ=rights")
            #expect(!none.text.contains(Self.notice))
        }
    }

    @Test func scaleAnswersSTONITS() async throws {
        try await TestServer.with { server in
            let scale = try await server.get("/?FIF=\(Self.scaled.name)&OBJ=scale")
            #expect(scale.status == 200)
            #expect(scale.text == "0.0025\r\n")
            let metadata = try await server.get("/?FIF=\(Self.scaled.name)&OBJ=metadata")
            #expect(metadata.text.contains("\"scale\": \"0.0025\""), "\(metadata.text)")
            // No STONITS: no line, so the request has nothing to answer (IIP error 2 1, §3.1).
            let none = try await server.get("/?FIF=\(StandardFixtures.rgbJPEG.name)&OBJ=scale")
            #expect(!none.text.contains("0.0025") && none.text.hasPrefix("Error/"), "\(none.text)")
        }
    }
}
