import Foundation
import IIPImaging
import IIPModel
import IIPPipeline
import IIPTestSupport
import Testing

/// IIIF, DeepZoom and Zoomify end to end, every output format, and what the outputs embed.
@Suite("Protocols and formats")
struct ProtocolsAndFormatsTests {
    init() throws {
        try StandardFixtures.prepare()
        try Fixtures.make(Self.withProfile)
    }

    /// A structurally valid ICC header (size, 'acsp' signature, no tags): enough to check it is carried along.
    static let profile: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: 132)
        bytes[3] = 132
        bytes[36...39] = [0x61, 0x63, 0x73, 0x70]
        bytes[12...15] = [0x6D, 0x6E, 0x74, 0x72]
        bytes[16...19] = [0x52, 0x47, 0x42, 0x20]
        return bytes
    }()

    static let withProfile = FixtureSpec("rgb-icc-xmp.tif", width: 640, height: 480).with {
        $0.iccProfile = profile
        $0.metadata.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF/></x:xmpmeta>"
        $0.metadata.rights = "https://creativecommons.org/publicdomain/zero/1.0/"
        $0.resolution = PhysicalResolution(x: 40, y: 40, unit: .centimetre)
        $0.compression = .deflate
    }

    // MARK: IIIF

    // iipsrv-reference §4.3; IIIF 3.0 §5.
    @Test func infoJSONFollowsTheVersionAndTheRequest() async throws {
        try await Self.server.check { server in
            let info = try await server.get(
                "/iiif/rgb-jpeg-odd.tif/info.json", headers: [("Host", "images.example.org")])
            #expect(info.status == 200)
            #expect(
                info.header("Content-Type") == "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\""
            )
            #expect(info.header("Link") == "<http://iiif.io/api/image/3/level2.json>;rel=\"profile\"")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.body)) as? [String: Any])
            #expect(json["id"] as? String == "http://images.example.org/iiif/rgb-jpeg-odd.tif")
            #expect(json["type"] as? String == "ImageService3")
            #expect(json["width"] as? Int == 1013 && json["height"] as? Int == 677)
            #expect(json["maxWidth"] as? Int == 5000)
            #expect((json["extraFormats"] as? [String])?.contains("webp") == true)

            let forwarded = try await server.get(
                "/iiif/rgb-jpeg-odd.tif/info.json",
                headers: [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "public.example.org")])
            #expect(forwarded.text.contains("\"https://public.example.org/iiif/rgb-jpeg-odd.tif\""))
            let replaced = try await server.get(
                "/iiif/rgb-jpeg-odd.tif/info.json", headers: [("X-IIIF-ID", "https://cdn.example.org/iiif/painting")])
            #expect(replaced.text.contains("\"https://cdn.example.org/iiif/painting\""))

            // iipsrv-reference §4.1: the Accept profile picks version 2 for this request, privately cached.
            let v2 = try await server.get(
                "/iiif/rgb-jpeg-odd.tif/info.json",
                headers: [("Accept", "application/ld+json;profile=\"http://iiif.io/api/image/2/context.json\"")])
            #expect(v2.header("Cache-Control") == "private")
            #expect(v2.header("Content-Type") == "application/ld+json")
            let v2json = try #require(try JSONSerialization.jsonObject(with: Data(v2.body)) as? [String: Any])
            #expect(v2json["@context"] as? String == "http://iiif.io/api/image/2/context.json")
            #expect(v2json["@id"] as? String != nil)
        }
    }

    // A bare INV (no `=`), as OpenSeadragon's IIP tile source sends it, inverts like INV=1; INV= does nothing.
    @Test func aBareINVInverts() async throws {
        try await TestServer.with { server in
            let bare = try await server.get("/?FIF=rgb-jpeg-odd.tif&INV&JTL=1,0")
            let valued = try await server.get("/?FIF=rgb-jpeg-odd.tif&INV=1&JTL=1,0")
            let plain = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=1,0")
            let empty = try await server.get("/?FIF=rgb-jpeg-odd.tif&INV=&JTL=1,0")
            #expect(bare.status == 200 && bare.body == valued.body)
            #expect(bare.body != plain.body)
            #expect(empty.body == plain.body)
        }
    }

    @Test func baseURIRedirectsToInfoJSON() async throws {
        try await Self.server.check { server in
            let redirect = try await server.get("/iiif/rgb-jpeg-odd.tif", headers: [("Host", "h.example.org:8080")])
            #expect(redirect.status == 303)
            #expect(redirect.header("Location") == "http://h.example.org:8080/iiif/rgb-jpeg-odd.tif/info.json")
            let escaped = try await server.get("/iiif/sub%2Frgb.tif")
            #expect(escaped.status == 303)
        }
        try await TestServer.with(TestServer.configuration { $0.baseURL = "https://iiif.example.org/images/" }) {
            server in
            let redirect = try await server.get("/iiif/rgb-jpeg-odd.tif")
            #expect(redirect.header("Location") == "https://iiif.example.org/images/rgb-jpeg-odd.tif/info.json")
        }
    }

    @Test func imageRequestsCarryProfileAndCanonicalLinks() async throws {
        try await Self.server.check { server in
            let image = try await server.get(
                "/iiif/rgb-jpeg-odd.tif/pct:0,0,50,50/max/0/default.jpg", headers: [("Host", "x.org")])
            #expect(image.status == 200)
            let link = try #require(image.header("Link"))
            #expect(link.contains("<http://iiif.io/api/image/3/level2.json>;rel=\"profile\""))
            #expect(
                link.contains("<http://x.org/iiif/rgb-jpeg-odd.tif/0,0,507,339/max/0/default.jpg>;rel=\"canonical\""))
            #expect(image.header("Content-Disposition") == nil)
        }
    }

    // IIIF 3.0 §4: every format, decodable, with the right media type and signature.
    @Test(arguments: [
        ("jpg", "image/jpeg", [UInt8]([0xFF, 0xD8, 0xFF])), ("png", "image/png", [0x89, 0x50, 0x4E, 0x47]),
        ("webp", "image/webp", [0x52, 0x49, 0x46, 0x46]), ("tif", "image/tiff", [0x49, 0x49, 0x2A, 0x00]),
        ("gif", "image/gif", [0x47, 0x49, 0x46, 0x38]), ("jp2", "image/jp2", [0x00, 0x00, 0x00, 0x0C]),
        ("pdf", "application/pdf", [0x25, 0x50, 0x44, 0x46]),
    ])
    func everyFormat(format: String, mediaType: String, signature: [UInt8]) async throws {
        try await Self.server.check { server in
            let image = try await server.get("/iiif/rgb-jpeg-odd.tif/full/200,/0/default.\(format)")
            #expect(image.status == 200)
            #expect(image.header("Content-Type") == mediaType)
            #expect(Array(image.body.prefix(signature.count)) == signature)
        }
    }

    @Test func arbitraryRotationHasTransparentCornersWhereTheFormatAllows() async throws {
        try await Self.server.check { server in
            let png = try await server.get("/iiif/rgb-jpeg-odd.tif/full/200,/45/default.png")
            #expect(png.status == 200)
            // PNG colour type 6 (RGBA) in the IHDR chunk.
            #expect(png.body[25] == 6)
            let width = Int(png.body[16]) << 24 | Int(png.body[17]) << 16 | Int(png.body[18]) << 8 | Int(png.body[19])
            // 200x134 turned 45 degrees: (200 + 134) / sqrt(2) = 236.2, rounded as libvips rounds it.
            #expect(width == 236)
            let jpeg = try ImageComparison.decodeJPEG(
                try await server.get("/iiif/rgb-jpeg-odd.tif/full/200,/45/default.jpg").body)
            #expect(jpeg.width == 236 && jpeg.channels == 3)
            // The corner is the black background, as libvips fills it.
            #expect(jpeg.bytes[0] < 15 && jpeg.bytes[1] < 15 && jpeg.bytes[2] < 15)
            let mirrored = try ImageComparison.decodeJPEG(
                try await server.get("/iiif/rgb-jpeg-odd.tif/full/200,/!90/default.jpg").body)
            #expect(mirrored.width == 134 && mirrored.height == 200)
        }
    }

    @Test func qualitiesChangeThePixels() async throws {
        try await Self.server.check { server in
            let gray = try ImageComparison.decodeJPEG(
                try await server.get("/iiif/rgb-jpeg-odd.tif/full/100,/0/gray.jpg").body)
            #expect(gray.channels == 1)
            let bitonal = try await server.get("/iiif/rgb-jpeg-odd.tif/full/100,/0/bitonal.png")
            #expect(bitonal.status == 200)
            let color = try ImageComparison.decodeJPEG(
                try await server.get("/iiif/grey-lzw.tif/full/100,/0/color.jpg").body)
            #expect(color.width == 100)
        }
    }

    @Test(arguments: [
        ("/iiif/rgb-jpeg-odd.tif/full/max/0/default.xyz", 400), ("/iiif/rgb-jpeg-odd.tif/full/max/0/fancy.jpg", 400),
        ("/iiif/rgb-jpeg-odd.tif/2000,0,10,10/max/0/default.jpg", 400),
        ("/iiif/rgb-jpeg-odd.tif/full/2000,/0/default.jpg", 400),
        ("/iiif/rgb-jpeg-odd.tif/full/max/361/default.jpg", 400),
        ("/iiif/rgb-jpeg-odd.tif/full/max/0", 400), ("/iiif/no-such-image.tif/info.json", 404),
        ("/iiif/a%2Fb/info.json", 404), ("/iiif/..%2F..%2Fetc%2Fpasswd/info.json", 404),
        ("/deepzoom/rgb-jpeg-odd.tif_files/99/0_0.jpg", 404), ("/deepzoom/rgb-jpeg-odd.tif_files/10/9_9.jpg", 404),
        ("/deepzoom/rgb-jpeg-odd.tif_files/x/0_0.jpg", 400), ("/zoomify/rgb-jpeg-odd.tif/TileGroup0/9-0-0.jpg", 404),
        ("/zoomify/rgb-jpeg-odd.tif/TileGroup0/0-5-5.jpg", 404), ("/zoomify/nope.tif/ImageProperties.xml", 404),
    ])
    func malformedRequestsAreRefused(target: String, status: Int) async throws {
        try await Self.server.check { server in
            let response = try await server.get(target)
            #expect(response.status == status, "\(target)")
            #expect((try await server.get("/health")).status == 200)
        }
    }

    // MARK: DeepZoom and Zoomify

    // iipsrv-reference §3.7: levels below the pyramid are real downscales, not repeats of the smallest level.
    @Test func deepZoomLevelsBelowThePyramidAreDownscaled() async throws {
        try await Self.server.check { server in
            let descriptor = try await server.get("/deepzoom/rgb-jpeg-odd.tif.dzi")
            #expect(descriptor.header("Content-Type") == "application/xml")
            #expect(
                descriptor.text
                    == "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" TileSize=\"256\" Overlap=\"0\" Format=\"jpg\"><Size Width=\"1013\" Height=\"677\"/></Image>"
            )
            // maxLevel = ceil(log2(1013)) = 10; level 5 is 1013/32 → 32x22.
            for (level, width, height) in [(5, 32, 22), (0, 1, 1), (7, 127, 85), (8, 253, 169)] {
                let tile = try ImageComparison.decodeJPEG(
                    try await server.get("/deepzoom/rgb-jpeg-odd.tif_files/\(level)/0_0.jpg").body)
                #expect(tile.width == width && tile.height == height, "level \(level)")
            }
            let query = try await server.get("/fcgi-bin/iipsrv.fcgi?DeepZoom=rgb-jpeg-odd.tif_files/10/3_2.jpg")
            let decoded = try ImageComparison.decodeJPEG(query.body)
            #expect(decoded.width == 245 && decoded.height == 165)
            let png = try await server.get("/deepzoom/rgb-jpeg-odd.tif_files/9/0_0.png")
            #expect(png.header("Content-Type") == "image/png")
        }
    }

    @Test func zoomifyPropertiesAndTiles() async throws {
        try await Self.server.check { server in
            let properties = try await server.get("/zoomify/rgb-jpeg-odd.tif/ImageProperties.xml")
            #expect(
                properties.text
                    == "<IMAGE_PROPERTIES WIDTH=\"1013\" HEIGHT=\"677\" NUMTILES=\"17\" NUMIMAGES=\"1\" VERSION=\"1.8\" TILESIZE=\"256\"/>"
            )
            let corner = try ImageComparison.decodeJPEG(
                try await server.get("/zoomify/rgb-jpeg-odd.tif/TileGroup0/2-3-2.jpg").body)
            #expect(corner.width == 245 && corner.height == 165)
            let query = try await server.get("/?Zoomify=rgb-jpeg-odd.tif/TileGroup9/0-0-0.jpg")
            #expect(query.status == 200)
        }
    }

    // MARK: Exports

    // iipsrv-reference §2.2, §5.4: CVT and tile commands in every IIP format.
    @Test(arguments: [
        ("CVT=png", "image/png"), ("CVT=webp", "image/webp"), ("CVT=tiff", "image/tiff"), ("CVT=jpeg", "image/jpeg"),
    ])
    func exportsInEveryIIPFormat(command: String, mediaType: String) async throws {
        try await Self.server.check { server in
            let export = try await server.get("/?FIF=rgb-jpeg-odd.tif&WID=120&\(command)")
            #expect(export.status == 200)
            #expect(export.header("Content-Type") == mediaType)
            let ext =
                mediaType == "image/tiff"
                ? "tif" : String(mediaType.split(separator: "/")[1]).replacing("jpeg", with: "jpg")
            #expect(export.header("Content-Disposition") == "inline; filename=\"rgb-jpeg-odd_120x80.\(ext)\"")
        }
    }

    @Test func tileCommandsInOtherFormats() async throws {
        try await Self.server.check { server in
            for (command, signature) in [
                ("PTL", [UInt8]([0x89, 0x50])), ("WTL", [0x52, 0x49]), ("TTL", [0x49, 0x49]),
            ] {
                let tile = try await server.get("/?FIF=rgb-jpeg-odd.tif&\(command)=1,0")
                #expect(tile.status == 200, "\(command)")
                #expect(Array(tile.body.prefix(2)) == signature, "\(command)")
            }
            let avif = try await server.get("/?FIF=rgb-jpeg-odd.tif&ATL=1,0")
            #expect(avif.status == 400)
            #expect(avif.text == "Error/7:2 2 ATL\r\n")
        }
    }

    // iipsrv-reference §6.6: ICC (unless MAX_ICC forbids or colours change), XMP and density in exports.
    @Test func exportsEmbedProfileXMPAndDensity() async throws {
        try await Self.server.check { server in
            let export = try await server.get("/?FIF=rgb-icc-xmp.tif&WID=320&CVT=jpeg")
            let bytes = export.body
            #expect(Self.contains(bytes, Array("ICC_PROFILE".utf8) + [0]))
            #expect(Self.contains(bytes, Self.profile))
            #expect(Self.contains(bytes, Array("http://ns.adobe.com/xap/1.0/".utf8)))
            // JFIF density: 40 px/cm at full size, exported at half size → 20 px/cm (unit 2).
            #expect(Array(bytes[13...17]) == [2, 0, 20, 0, 20])
            let grey = try await server.get("/?FIF=rgb-icc-xmp.tif&WID=320&COL=grey&CVT=jpeg")
            #expect(!Self.contains(grey.body, Array("ICC_PROFILE".utf8)))
            // Tiles carry the profile and the XMP too, as iipsrv master's do (§6.6), but no text fields.
            let tile = try await server.get("/?FIF=rgb-icc-xmp.tif&JTL=1,0")
            #expect(Self.contains(tile.body, Self.profile))
            #expect(Self.contains(tile.body, Array("http://ns.adobe.com/xap/1.0/".utf8)))
        }
        try await TestServer.with(TestServer.configuration { $0.maxICC = 0 }) { server in
            let export = try await server.get("/?FIF=rgb-icc-xmp.tif&WID=320&CVT=jpeg")
            #expect(!Self.contains(export.body, Array("ICC_PROFILE".utf8)))
        }
        // EMBED_ICC=0 (iipsrv 1.1's name) embeds none, even with MAX_ICC at -1 (always).
        let settings = ServerConfiguration(environment: ["EMBED_ICC": "0", "MAX_ICC": "-1"], cores: 2)
        try await TestServer.with(TestServer.configuration { $0.embedICC = settings.embedICC }) { server in
            let export = try await server.get("/?FIF=rgb-icc-xmp.tif&WID=320&CVT=jpeg")
            let tile = try await server.get("/?FIF=rgb-icc-xmp.tif&JTL=1,0")
            #expect(!settings.embedICC && settings.maxICC == -1)
            #expect(!Self.contains(export.body, Array("ICC_PROFILE".utf8)))
            #expect(!Self.contains(tile.body, Self.profile))
        }
    }

    // MAX_EXPORT_PIXELS bounds what one export decodes; the server answers 400 and keeps serving.
    @Test func exportsBeyondThePixelBudgetAreRefused() async throws {
        try await TestServer.with(TestServer.configuration { $0.maxExportPixels = 100_000 }) { server in
            let large = try await server.get("/?FIF=rgb-jpeg-odd.tif&WID=1000&CVT=jpeg")
            #expect(large.status == 400)
            let small = try await server.get("/?FIF=rgb-jpeg-odd.tif&WID=200&CVT=jpeg")
            #expect(small.status == 200)
            let iiif = try await server.get("/iiif/rgb-jpeg-odd.tif/full/max/0/default.jpg")
            #expect(iiif.status == 400)
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.firstRange(of: needle) != nil
    }

    static let server = SharedTestServer()
}
