import Foundation
import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

private let referenceSettings = IIIFInfoSettings(maxWidth: 5000, maxHeight: 5000, formats: ["tif", "webp"])
private let referenceID = "http://localhost:8080/iiif/test.tif"

private func object(_ json: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
    return try #require(value as? [String: Any])
}

/// The top-level keys in document order (JSONSerialization does not keep it).
private func keys(_ json: String) -> [String] {
    json.split(separator: "\n").compactMap { line in
        guard line.hasPrefix("  \""), !line.hasPrefix("   ") else { return nil }
        let name = line.dropFirst(3)
        return name.firstIndex(of: "\"").map { String(name[..<$0]) }
    }
}

// iipsrv-reference §4.3; IIIF 3.0 §5; iiif-and-clients §2-§3
@Suite("IIIF info.json")
struct IIIFInfoTests {
    @Test("3.0 for the reference 1000x700 image, exact")
    func referenceV3() throws {
        let json = IIIFInfo.json(version: .v3, image: TestImages.rgb, id: referenceID, settings: referenceSettings)
        #expect(
            json == """
                {
                  "@context" : "http://iiif.io/api/image/3/context.json",
                  "id" : "http://localhost:8080/iiif/test.tif",
                  "type" : "ImageService3",
                  "protocol" : "http://iiif.io/api/image",
                  "profile" : "level2",
                  "width" : 1000,
                  "height" : 700,
                  "maxWidth" : 5000,
                  "maxHeight" : 5000,
                  "sizes" : [
                     { "width" : 250, "height" : 175 },
                     { "width" : 500, "height" : 350 }
                  ],
                  "tiles" : [
                     { "width" : 256, "height" : 256, "scaleFactors" : [ 1, 2, 4 ] }
                  ],
                  "extraFormats" : [ "tif", "webp" ],
                  "extraQualities" : [ "color", "gray", "bitonal" ],
                  "extraFeatures" : [ "mirroring", "sizeUpscaling" ]
                }
                """)
        let info = try object(json)
        #expect(info["width"] as? Int == 1000)
        #expect(info["type"] as? String == "ImageService3")
    }

    @Test("2.1 for the reference 1000x700 image, exact")
    func referenceV2() throws {
        let json = IIIFInfo.json(version: .v2, image: TestImages.rgb, id: referenceID, settings: referenceSettings)
        #expect(
            json == """
                {
                  "@context" : "http://iiif.io/api/image/2/context.json",
                  "@id" : "http://localhost:8080/iiif/test.tif",
                  "protocol" : "http://iiif.io/api/image",
                  "width" : 1000,
                  "height" : 700,
                  "sizes" : [
                     { "width" : 250, "height" : 175 },
                     { "width" : 500, "height" : 350 }
                  ],
                  "tiles" : [
                     { "width" : 256, "height" : 256, "scaleFactors" : [ 1, 2, 4 ] }
                  ],
                  "profile" : [
                     "http://iiif.io/api/image/2/level2.json",
                     { "formats" : [ "jpg", "png", "tif", "webp" ],
                       "qualities" : [ "default", "color", "gray", "bitonal" ],
                       "supports" : [ "regionSquare", "mirroring", "sizeAboveFull" ],
                       "maxWidth" : 5000,
                       "maxHeight" : 5000
                     }
                  ]
                }
                """)
        let info = try object(json)
        let profile = try #require(info["profile"] as? [Any])
        #expect(profile.first as? String == "http://iiif.io/api/image/2/level2.json")
        let description = try #require(profile.last as? [String: Any])
        #expect(description["maxWidth"] as? Int == 5000)
    }

    @Test("key order: 3.0 and 2.1 with every optional member")
    func keyOrder() throws {
        var settings = referenceSettings
        settings.maxArea = 20_000_000
        settings.rights = "http://creativecommons.org/licenses/by/4.0/"
        settings.extraInfo = "\"partOf\" : [ { \"id\" : \"https://example.org/m\", \"type\" : \"Manifest\" } ]"
        let json3 = IIIFInfo.json(version: .v3, image: TestImages.described, id: referenceID, settings: settings)
        #expect(
            keys(json3) == [
                "@context", "id", "type", "protocol", "profile", "width", "height", "maxWidth", "maxHeight", "maxArea",
                "sizes", "tiles", "extraFormats", "extraQualities", "extraFeatures", "rights", "partOf", "service",
            ])
        _ = try object(json3)
        let json2 = IIIFInfo.json(version: .v2, image: TestImages.described, id: referenceID, settings: settings)
        #expect(
            keys(json2) == [
                "@context", "@id", "protocol", "width", "height", "sizes", "tiles", "profile", "license", "partOf",
                "service",
            ])
        let info2 = try object(json2)
        #expect(info2["license"] as? String == "http://creativecommons.org/licenses/by/4.0/")
        let description = try #require((info2["profile"] as? [Any])?.last as? [String: Any])
        #expect(description["maxArea"] as? Int == 20_000_000)
    }

    // In 3.0 every service needs an id and a type (the validator's info_json test checks them).
    @Test("physical dimensions service")
    func physicalDimensions() throws {
        let json = IIIFInfo.json(version: .v3, image: TestImages.described, id: "x", settings: IIIFInfoSettings())
        #expect(
            json.hasSuffix(
                """
                  "service" : [
                     { "@context" : "http://iiif.io/api/annex/services/physdim/1/context.json", \
                "id" : "x#physdim", "type" : "PhysicalDimensions", \
                "profile" : "http://iiif.io/api/annex/services/physdim", "physicalScale" : 0.1, "physicalUnits" : "cm" }
                  ]
                }
                """))
        var inches = TestImages.rgb
        inches.resolution = PhysicalResolution(x: 300, y: 300, unit: .inch)
        let info = try object(IIIFInfo.json(version: .v2, image: inches, id: "x", settings: IIIFInfoSettings()))
        let service = try #require((info["service"] as? [[String: Any]])?.first)
        // 2.1 keeps the annex's own form, without id and type.
        #expect(service["id"] == nil && service["type"] == nil)
        #expect(service["physicalUnits"] as? String == "in")
        #expect(abs((service["physicalScale"] as? Double ?? 0) - 1.0 / 300) < 1e-12)
        var unitless = TestImages.rgb
        unitless.resolution = PhysicalResolution(x: 72, y: 72, unit: .none)
        #expect(
            !IIIFInfo.json(version: .v3, image: unitless, id: "x", settings: IIIFInfoSettings()).contains("service"))
    }

    @Test("odd five-level pyramid: sizes and scale factors from the real level sizes")
    func oddPyramid() throws {
        let info = try object(IIIFInfo.json(version: .v3, image: TestImages.odd, id: "x", settings: IIIFInfoSettings()))
        let sizes = try #require(info["sizes"] as? [[String: Int]])
        #expect(
            sizes == [
                ["width": 64, "height": 43], ["width": 127, "height": 85], ["width": 254, "height": 170],
                ["width": 507, "height": 339],
            ])
        let tiles = try #require(info["tiles"] as? [[String: Any]])
        #expect(tiles.count == 1)
        #expect(tiles[0]["scaleFactors"] as? [Int] == [1, 2, 4, 8, 16])
        #expect(info["maxWidth"] == nil)
        #expect(
            IIIFInfo.tiles(of: IIIFFixtures.oddFloor) == [
                IIIFTileSet(width: 256, height: 256, scaleFactors: [1, 2, 4])
            ])
    }

    @Test("mixed tile sizes: one entry per size, each scale factor once")
    func mixedTiles() {
        let image = ImageDescription(
            levels: [
                PyramidLevel(width: 250, height: 175, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 500, height: 350, tileWidth: 256, tileHeight: 256),
                PyramidLevel(width: 1000, height: 700, tileWidth: 512, tileHeight: 512),
            ], channels: 3, bitsPerSample: 8, colorSpace: .sRGB)
        #expect(
            IIIFInfo.tiles(of: image) == [
                IIIFTileSet(width: 512, height: 512, scaleFactors: [1]),
                IIIFTileSet(width: 256, height: 256, scaleFactors: [2, 4]),
            ])
        let uneven = ImageDescription(
            levels: [
                PyramidLevel(width: 333, height: 233, tileWidth: 128, tileHeight: 64),
                PyramidLevel(width: 1000, height: 700, tileWidth: 128, tileHeight: 64),
            ], channels: 3, bitsPerSample: 8, colorSpace: .sRGB)
        #expect(IIIFInfo.tiles(of: uneven) == [IIIFTileSet(width: 128, height: 64, scaleFactors: [1, 3])])
        #expect(
            IIIFInfo.json(version: .v3, image: uneven, id: "x", settings: IIIFInfoSettings()).contains(
                "{ \"width\" : 128, \"height\" : 64, \"scaleFactors\" : [ 1, 3 ] }"))
    }

    @Test("one-level grey image: the full size, no color quality")
    func singleLevel() throws {
        let info = try object(
            IIIFInfo.json(version: .v3, image: TestImages.grey16, id: "x", settings: IIIFInfoSettings()))
        #expect(info["sizes"] as? [[String: Int]] == [["width": 640, "height": 480]])
        #expect(info["extraQualities"] as? [String] == ["gray", "bitonal"])
        let tiles = try #require(info["tiles"] as? [[String: Any]])
        #expect(tiles[0]["width"] as? Int == 128)
        #expect(tiles[0]["height"] as? Int == 64)
    }

    @Test("sizes over the limits are left out")
    func sizesWithinLimits() throws {
        let settings = IIIFInfoSettings(maxWidth: 400)
        #expect(
            IIIFInfo.sizes(of: TestImages.rgb, limits: settings.limits) == [
                PixelRect(x: 0, y: 0, width: 250, height: 175)
            ])
        let info = try object(IIIFInfo.json(version: .v3, image: TestImages.rgb, id: "x", settings: settings))
        #expect(info["maxWidth"] as? Int == 400)
        #expect(info["maxHeight"] as? Int == 400)
        let tiny = try object(
            IIIFInfo.json(version: .v3, image: TestImages.grey16, id: "x", settings: IIIFInfoSettings(maxArea: 1000)))
        #expect(tiny["sizes"] == nil)
        #expect(tiny["maxArea"] as? Int == 1000)
        let heightOnly = IIIFInfo.json(
            version: .v3, image: TestImages.rgb, id: "x", settings: IIIFInfoSettings(maxHeight: 300))
        #expect(!heightOnly.contains("maxWidth") && !heightOnly.contains("maxHeight"))
    }

    @Test("features, qualities and formats from the settings")
    func features() throws {
        let settings = IIIFInfoSettings(
            allowUpscaling: false, arbitraryRotation: true, linkHeaders: true, formats: ["png", "webp", "webp"],
            qualities: IIIFQuality.extensions.map(\.rawValue), additionalFeatures: ["mirroring", "regionByPx"])
        let v3 = try object(IIIFInfo.json(version: .v3, image: TestImages.rgb, id: "x", settings: settings))
        #expect(
            v3["extraFeatures"] as? [String] == [
                "mirroring", "rotationArbitrary", "canonicalLinkHeader", "profileLinkHeader", "regionByPx",
            ])
        #expect(v3["extraFormats"] as? [String] == ["webp"])
        #expect(
            v3["extraQualities"] as? [String] == [
                "color", "gray", "bitonal", "negative", "stretch", "equalization", "log",
            ])
        let v2 = try object(IIIFInfo.json(version: .v2, image: TestImages.rgb, id: "x", settings: settings))
        let description = try #require((v2["profile"] as? [Any])?.last as? [String: Any])
        #expect(description["formats"] as? [String] == ["jpg", "png", "webp"])
        #expect(
            description["supports"] as? [String] == [
                "regionSquare", "mirroring", "rotationArbitrary", "canonicalLinkHeader", "profileLinkHeader",
                "regionByPx",
            ])
        #expect(description["maxWidth"] == nil)
        let plain = IIIFInfo.json(version: .v3, image: TestImages.rgb, id: "x", settings: IIIFInfoSettings())
        #expect(!plain.contains("extraFormats"))
    }

    @Test("rights: a URI in 3.0, license or attribution in 2.1")
    func rights() throws {
        var settings = IIIFInfoSettings(rights: "© Test \"Owner\"")
        let v3 = try object(IIIFInfo.json(version: .v3, image: TestImages.rgb, id: "x", settings: settings))
        #expect(v3["rights"] == nil)
        let v2 = try object(IIIFInfo.json(version: .v2, image: TestImages.rgb, id: "x", settings: settings))
        #expect(v2["attribution"] as? String == "© Test \"Owner\"")
        #expect(v2["license"] == nil)
        settings.rights = "http://rightsstatements.org/vocab/InC-EDU/1.0/"
        let uri = try object(IIIFInfo.json(version: .v3, image: TestImages.rgb, id: "x", settings: settings))
        #expect(uri["rights"] as? String == "http://rightsstatements.org/vocab/InC-EDU/1.0/")
        #expect(IIIFInfo.isURI("https://creativecommons.org/publicdomain/zero/1.0/"))
        #expect(!IIIFInfo.isURI("http://"))
        #expect(!IIIFInfo.isURI("http://example.org/a b"))
        #expect(!IIIFInfo.isURI("ftp://example.org/"))
        #expect(!IIIFInfo.isURI("Copyright 2024"))
    }

    @Test("escaping of the id and extra formats")
    func escaping() throws {
        let id = "http://h/iiif/a\"b\\c%25d\u{1}é"
        for version in IIIFVersion.allCases {
            let json = IIIFInfo.json(
                version: version, image: TestImages.rgb, id: id, settings: IIIFInfoSettings(formats: ["x\"y"]))
            let info = try object(json)
            #expect(info[version == .v3 ? "id" : "@id"] as? String == id)
            #expect(json.contains("a\\\"b\\\\c%25d\\u0001é"))
        }
    }

    @Test("IIIF_EXTRA_INFO inserted verbatim, trimmed")
    func extraInfo() throws {
        let settings = IIIFInfoSettings(extraInfo: "  \"seeAlso\" : [ { \"id\" : \"https://e.org/x\" } ],\n")
        let json = IIIFInfo.json(version: .v3, image: TestImages.described, id: "x", settings: settings)
        #expect(
            json.contains(
                "\"extraFeatures\" : [ \"mirroring\", \"sizeUpscaling\" ],\n"
                    + "  \"seeAlso\" : [ { \"id\" : \"https://e.org/x\" } ],\n  \"service\""
            ))
        let info = try object(json)
        #expect((info["seeAlso"] as? [[String: String]])?.first?["id"] == "https://e.org/x")
        let blank = IIIFInfo.json(
            version: .v3, image: TestImages.rgb, id: "x", settings: IIIFInfoSettings(extraInfo: " \n"))
        #expect(blank == IIIFInfo.json(version: .v3, image: TestImages.rgb, id: "x", settings: IIIFInfoSettings()))
    }

    @Test("valid JSON for every fixture, version and option", arguments: IIIFVersion.allCases)
    func validJSON(_ version: IIIFVersion) throws {
        let images = [
            TestImages.rgb, TestImages.portrait, TestImages.grey16, TestImages.odd, TestImages.described,
            IIIFFixtures.odd3, IIIFFixtures.validator,
        ]
        let settings = [
            IIIFInfoSettings(), referenceSettings,
            IIIFInfoSettings(maxWidth: 100, maxArea: 5, allowUpscaling: false, rights: "x", extraInfo: "\"a\" : 1"),
        ]
        for image in images {
            for setting in settings {
                let info = try object(
                    IIIFInfo.json(version: version, image: image, id: "http://h/i", settings: setting))
                #expect(info["width"] as? Int == image.width)
                #expect(info["height"] as? Int == image.height)
                #expect(info["protocol"] as? String == "http://iiif.io/api/image")
                #expect(info["@context"] as? String == version.contextURI)
            }
        }
    }
}
