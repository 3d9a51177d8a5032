import Foundation
import IIPModel
import IIPPipeline
import IIPTestSupport
import Testing

/// info.json advertises exactly what works (issue 11, item 5; IIIF 3.0 §5.6-5.7, 2.1 §5.3): every format,
/// quality and feature it lists answers, and every candidate it leaves out is refused, over a colour and a grey
/// image, both versions, with and without IIIF_EXTENSIONS and ALLOW_UPSCALING; and `preferredFormats` comes from
/// IIIF_PREFERRED_FORMATS, keeping only formats the server writes.
@Suite("IIIF info.json advertises exactly what works")
struct IIIFAdvertisedFeaturesTests {
    init() throws { try StandardFixtures.prepare() }

    /// Every name a client might try as a format: the server's own, and spellings IIIF does not define.
    static let formatCandidates = OutputFormat.allCases.map(\.fileExtension) + ["jpeg", "tiff", "bmp", "heic", "jxl"]
    static let qualityCandidates = [
        "default", "color", "gray", "bitonal", "stretch", "negative", "equalization", "log", "grey", "native",
    ]

    struct Advertised {
        var formats: [String]
        var qualities: [String]
        var features: [String]
        var preferred: [String]?
    }

    static func advertised(_ body: [UInt8], version: Int) throws -> Advertised {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        if version == 3 {
            return Advertised(
                formats: ["jpg", "png"] + (json["extraFormats"] as? [String] ?? []),
                qualities: ["default"] + (json["extraQualities"] as? [String] ?? []),
                features: json["extraFeatures"] as? [String] ?? [], preferred: json["preferredFormats"] as? [String])
        }
        #expect(json["preferredFormats"] == nil, "2.1 has no preferredFormats")
        let profile = try #require(json["profile"] as? [Any])
        let description = try #require(profile.last as? [String: Any])
        return Advertised(
            formats: description["formats"] as? [String] ?? [], qualities: description["qualities"] as? [String] ?? [],
            features: description["supports"] as? [String] ?? [], preferred: nil)
    }

    @Test(arguments: [2, 3], [false, true])
    func everyListedThingWorksAndNothingElse(version: Int, extensionsAndUpscaling: Bool) async throws {
        let configuration = TestServer.configuration {
            $0.iiifVersion = version
            $0.iiifExtensions = extensionsAndUpscaling
            $0.allowUpscaling = extensionsAndUpscaling
        }
        try await TestServer.with(configuration) { server in
            for image in [StandardFixtures.rgbJPEG.name, StandardFixtures.greyLZW.name] {
                let info = try await server.get("/iiif/\(image)/info.json")
                try #require(info.status == 200)
                let advertised = try Self.advertised(info.body, version: version)
                let base = "/iiif/\(image)/full/64,/0"
                for name in Self.formatCandidates {
                    let answer = try await server.get("\(base)/default.\(name)")
                    if advertised.formats.contains(name) {
                        #expect(answer.status == 200, "\(image) format \(name) is listed: \(answer.status)")
                        let mediaType = OutputFormat(fileExtension: name)?.mediaType
                        #expect(answer.header("Content-Type") == mediaType, "\(image) format \(name)")
                    } else {
                        #expect(answer.status == 400, "\(image) format \(name) is not listed: \(answer.status)")
                    }
                }
                // Accepted without being listed: in 2.1, as iipsrv accepts them (iipsrv-reference §4.4), `native`
                // (Image API 1.x's name for default) and `grey` (gray's British spelling); in both versions `color`
                // on a grey image, which has no other colour to give (info.json lists `color` for colour images).
                let channels = image == StandardFixtures.greyLZW.name ? 1 : 3
                let aliases = (version == 2 ? ["native", "grey"] : []) + (channels < 3 ? ["color"] : [])
                for quality in Self.qualityCandidates {
                    let answer = try await server.get("\(base)/\(quality).jpg")
                    let listed = advertised.qualities.contains(quality)
                    #expect(
                        answer.status == (listed || aliases.contains(quality) ? 200 : 400),
                        "\(image) quality \(quality) listed \(listed): \(answer.status)")
                }
                try await checkFeatures(advertised.features, image: image, version: version, server: server)
            }
        }
    }

    /// Each listed optional feature works; upscaling, the one that can be switched off, is refused when unlisted.
    func checkFeatures(_ features: [String], image: String, version: Int, server: TestServer) async throws {
        let prefix = "/iiif/\(image)"
        for feature in features {
            switch feature {
            case "mirroring":
                #expect(try await server.get("\(prefix)/full/64,/!90/default.jpg").status == 200)
            case "rotationArbitrary":
                #expect(try await server.get("\(prefix)/full/64,/22.5/default.jpg").status == 200)
            case "sizeUpscaling", "sizeAboveFull":
                let size = version == 3 ? "^2000," : "2000,"
                #expect(try await server.get("\(prefix)/full/\(size)/0/default.jpg").status == 200, "\(feature)")
            case "canonicalLinkHeader", "profileLinkHeader":
                let answer = try await server.get("\(prefix)/0,0,100,100/64,/0/default.jpg")
                let link = answer.header("Link") ?? ""
                let relation = feature == "canonicalLinkHeader" ? "rel=\"canonical\"" : "rel=\"profile\""
                #expect(link.contains(relation), "\(feature): \(link)")
            case "regionSquare":
                #expect(try await server.get("\(prefix)/square/64,/0/default.jpg").status == 200)
            default:
                Issue.record("\(feature) is listed but this test does not know how to check it")
            }
        }
        let upscaling = version == 3 ? "sizeUpscaling" : "sizeAboveFull"
        if !features.contains(upscaling) {
            if version == 3 {
                // IIIF 3.0 §4.2: a `^` size the server cannot upscale to is 501 Not Implemented.
                #expect(try await server.get("\(prefix)/full/^2000,/0/default.jpg").status == 501)
            } else {
                // 2.1 has no `^`: as iipsrv with ALLOW_UPSCALING=0 (§4.4), the answer stays at the region's size.
                let answer = try await server.get("\(prefix)/full/2000,/0/default.jpg")
                #expect(answer.status == 200)
                let decoded = try ImageComparison.decodeJPEG(answer.body)
                #expect(decoded.width < 2000, "\(decoded.width)")
            }
        }
    }

    @Test func preferredFormatsComeFromTheSetting() async throws {
        // Parsed from the environment variable, as the executable reads it.
        let parsed = ServerConfiguration(
            environment: ["IIIF_PREFERRED_FORMATS": " WebP, bogus ,jpg,webp,jp2,,tiff"], cores: 2)
        let configuration = TestServer.configuration { $0.iiifPreferredFormats = parsed.iiifPreferredFormats }
        try await TestServer.with(configuration) { server in
            let info = try await server.get("/iiif/\(StandardFixtures.rgbJPEG.name)/info.json")
            let advertised = try Self.advertised(info.body, version: 3)
            #expect(advertised.preferred == ["webp", "jpg", "jp2"])
            for format in advertised.preferred ?? [] {
                #expect(advertised.formats.contains(format))
                let tile = try await server.get(
                    "/iiif/\(StandardFixtures.rgbJPEG.name)/0,0,256,256/256,/0/default.\(format)")
                #expect(tile.status == 200, "\(format)")
            }
        }
        try await TestServer.with(TestServer.configuration { $0.iiifVersion = 2 }) { server in
            let info = try await server.get("/iiif/\(StandardFixtures.rgbJPEG.name)/info.json")
            #expect(!info.text.contains("preferredFormats"))
        }
        try await TestServer.with { server in
            let info = try await server.get("/iiif/\(StandardFixtures.rgbJPEG.name)/info.json")
            #expect(!info.text.contains("preferredFormats"), "none unless configured")
        }
    }
}
