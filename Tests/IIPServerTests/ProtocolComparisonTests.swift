import Foundation
import IIPImaging
import IIPTestSupport
import Testing

/// DeepZoom, Zoomify, IIIF 2 and CVT side by side with the real iipsrv 1.1 (Debian) behind nginx, on freshly
/// generated images: descriptors agree, tiles have iipsrv's size and pixels, exports iipsrv's size.
///
/// Known, documented differences are not compared: DeepZoom levels below the smallest pyramid level (iipsrv 1.1
/// repeats the smallest level; this server downscales), Zoomify NUMTILES (1.1 counts only full-resolution tiles;
/// this server counts as iipsrv master), the XML declaration and line breaks of 1.1's .dzi.
@Suite("Protocols compared with iipsrv", .enabled(if: ReferenceServer.enabled, "no reference iipsrv (run .ci/test)"))
struct ProtocolComparisonTests {
    init() throws { try StandardFixtures.prepare() }

    static let images = [StandardFixtures.rgbJPEG, StandardFixtures.greyLZW, StandardFixtures.rgbDeflate512]

    /// One attribute of an XML start tag.
    static func attribute(_ name: String, in xml: String) -> String? {
        guard let match = xml.firstMatch(of: try! Regex("\(name)=\"([^\"]*)\"")) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    // iipsrv-reference §3.7.
    @Test(arguments: images)
    func deepZoomMatches(fixture: FixtureSpec) async throws {
        let server = try await Self.server.running()
        let ours = try await server.get("/deepzoom/\(fixture.name).dzi")
        let theirs = try await ReferenceServer.get("DeepZoom=\(fixture.name).dzi")
        #expect(ours.status == 200 && theirs.status == 200)
        for name in ["TileSize", "Overlap", "Format", "Width", "Height"] {
            #expect(Self.attribute(name, in: ours.text) == Self.attribute(name, in: theirs.text), "\(name)")
        }
        let info = try await server.get("/?FIF=\(fixture.name)&OBJ=Resolutions&OBJ=Tile-size")
        let (levels, tile) = try ReferenceComparisonTests.parseLevels(info.text)
        let maxLevel = Int(ceil(log2(Double(max(fixture.width, fixture.height)))))
        let smallestDeepZoom = maxLevel - (levels.count - 1)
        var compared = 0
        for level in smallestDeepZoom...maxLevel {
            let size = levels[level - smallestDeepZoom]
            for y in 0..<((size.1 + tile.1 - 1) / tile.1) {
                for x in 0..<((size.0 + tile.0 - 1) / tile.0) {
                    let path = "\(fixture.name)_files/\(level)/\(x)_\(y).jpg"
                    try await Self.compareImages(
                        try await server.get("/deepzoom/\(path)"), try await ReferenceServer.get("DeepZoom=\(path)"),
                        path, minimumPSNR: 35)
                    compared += 1
                }
            }
        }
        #expect(compared > 0)
    }

    // iipsrv-reference §3.6.
    @Test(arguments: images)
    func zoomifyMatches(fixture: FixtureSpec) async throws {
        let server = try await Self.server.running()
        let ours = try await server.get("/zoomify/\(fixture.name)/ImageProperties.xml")
        let theirs = try await ReferenceServer.get("Zoomify=\(fixture.name)/ImageProperties.xml")
        #expect(ours.status == 200 && theirs.status == 200)
        for name in ["WIDTH", "HEIGHT", "NUMIMAGES", "VERSION", "TILESIZE"] {
            #expect(Self.attribute(name, in: ours.text) == Self.attribute(name, in: theirs.text), "\(name)")
        }
        let info = try await server.get("/?FIF=\(fixture.name)&OBJ=Resolutions&OBJ=Tile-size")
        let (levels, tile) = try ReferenceComparisonTests.parseLevels(info.text)
        // Zoomify level 0 is the largest level smaller than a tile in both directions (the discard rule).
        let small = levels.filter { $0.0 < tile.0 && $0.1 < tile.1 }.count
        let discard = max(small - 1, 0)
        for z in 0..<(levels.count - discard) {
            let size = levels[z + discard]
            for y in 0..<((size.1 + tile.1 - 1) / tile.1) {
                for x in 0..<((size.0 + tile.0 - 1) / tile.0) {
                    let path = "\(fixture.name)/TileGroup0/\(z)-\(x)-\(y).jpg"
                    try await Self.compareImages(
                        try await server.get("/zoomify/\(path)"), try await ReferenceServer.get("Zoomify=\(path)"),
                        path, minimumPSNR: 35)
                }
            }
        }
    }

    /// Regions and sizes in IIIF 2 syntax, from the whole image to a corner, with and without scaling.
    static let iiifRequests = [
        "full/full/0/default.jpg", "full/200,/0/default.jpg", "full/,150/0/default.jpg", "full/!300,300/0/default.jpg",
        "full/pct:25/0/default.jpg", "100,100,500,300/250,/0/default.jpg", "0,0,256,256/256,/0/default.jpg",
        "256,256,256,256/full/0/default.jpg", "600,400,500,400/full/0/default.jpg",
        "pct:10,20,50,30/300,/0/default.jpg",
        "square/200,/0/default.jpg", "full/300,100/0/default.jpg", "full/200,/90/default.jpg",
        "full/200,/0/gray.jpg",
    ]

    // iipsrv-reference §4.4: output sizes equal, pixels within resampling and JPEG error.
    @Test(arguments: images)
    func iiifVersion2RegionsMatch(fixture: FixtureSpec) async throws {
        let server = try await Self.server.running()
        let ourInfo = try await server.get("/iiif/\(fixture.name)/info.json")
        let theirInfo = try await ReferenceServer.get("IIIF=\(fixture.name)/info.json")
        let ours = try #require(try JSONSerialization.jsonObject(with: Data(ourInfo.body)) as? [String: Any])
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(theirInfo.body)) as? [String: Any])
        #expect(ours["width"] as? Int == theirs["width"] as? Int)
        #expect(ours["height"] as? Int == theirs["height"] as? Int)
        #expect(Self.sizes(ours["sizes"]) == Self.sizes(theirs["sizes"]))
        #expect(Self.tiles(ours["tiles"]) == Self.tiles(theirs["tiles"]))
        for request in Self.iiifRequests {
            // iipsrv 1.1 makes the derived side of a square region one pixel short (200x199 for square/200,).
            let tolerance = request.hasPrefix("square") ? 1 : 0
            try await Self.compareImages(
                try await server.get("/iiif/\(fixture.name)/\(request)"),
                try await ReferenceServer.get("IIIF=\(fixture.name)/\(request)"), request, minimumPSNR: 24,
                derivedSideTolerance: tolerance)
        }
    }

    static func sizes(_ value: Any?) -> [[Int]] {
        (value as? [[String: Any]] ?? []).map { [$0["width"] as? Int ?? -1, $0["height"] as? Int ?? -1] }
    }

    static func tiles(_ value: Any?) -> [[Int]] {
        (value as? [[String: Any]] ?? []).map {
            [$0["width"] as? Int ?? -1, $0["height"] as? Int ?? -1] + ($0["scaleFactors"] as? [Int] ?? [])
        }
    }

    /// CVT exports: WID, HEI, both, with and without RGN (iipsrv-reference §5).
    static let exports = [
        "WID=300&CVT=jpeg", "HEI=150&CVT=jpeg", "WID=400&HEI=100&CVT=jpeg", "RGN=0.1,0.2,0.5,0.3&WID=200&CVT=jpeg",
        "RGN=0.5,0.5,0.5,0.5&HEI=120&CVT=jpeg", "RGN=0,0,1,0.25&WID=640&CVT=jpeg", "WID=777&CVT=jpeg",
    ]

    @Test(arguments: images)
    func exportsHaveIipsrvSizes(fixture: FixtureSpec) async throws {
        let server = try await Self.server.running()
        for export in Self.exports {
            let query = "FIF=\(fixture.name)&\(export)"
            let ours = try await server.get("/fcgi-bin/iipsrv.fcgi?\(query)")
            let theirs = try await ReferenceServer.get(query)
            #expect(ours.status == 200 && theirs.status == 200, "\(query)")
            let a = try ImageComparison.decodeJPEG(ours.body)
            let b = try ImageComparison.decodeJPEG(theirs.body)
            // Sizes agree to a pixel: iipsrv 1.1 takes the aspect ratio from the region's floor-rounded size at the
            // chosen level, this server from the full-resolution region, so the derived side can differ by one.
            // 1.1 also re-derives the width from the height when the rounded size's aspect is 0.1 % off the
            // region's (its "aspect fix-up"), so WID=640 can come out 637 wide; this server keeps WID exactly.
            let close = abs(a.width - b.width) <= 1 && abs(a.height - b.height) <= 1
            let requestedWidth = export.firstMatch(of: /WID=(\d+)/).flatMap { Int($0.1) }
            let fixedUp =
                requestedWidth != nil && a.width == requestedWidth && b.width < a.width && a.height == b.height
            #expect(close || fixedUp, "\(query): \(a.width)x\(a.height) vs \(b.width)x\(b.height)")
            if let requestedWidth, export.contains("HEI=") == false {
                #expect(a.width == min(requestedWidth, 5000), "\(query): WID is kept")
            }
            print("export \(query): \(a.width)x\(a.height), iipsrv \(b.width)x\(b.height)")
            if a.width == b.width && a.height == b.height {
                #expect(ImageComparison.psnr(a, b) > 24, "\(query)")
            }
        }
    }

    static func compareImages(
        _ ours: TestHTTPResponse, _ theirs: TestHTTPResponse, _ label: String, minimumPSNR: Double,
        derivedSideTolerance: Int = 0
    ) async throws {
        #expect(ours.status == theirs.status, "\(label)")
        guard ours.status == 200, theirs.status == 200 else { return }
        let a = try ImageComparison.decodeJPEG(ours.body)
        let b = try ImageComparison.decodeJPEG(theirs.body)
        #expect(
            a.width == b.width && abs(a.height - b.height) <= derivedSideTolerance,
            "\(label): \(a.width)x\(a.height) vs \(b.width)x\(b.height)")
        guard a.width == b.width, a.height == b.height, a.channels == b.channels else { return }
        let psnr = ImageComparison.psnr(a, b)
        #expect(psnr > minimumPSNR, "\(label): PSNR \(psnr)")
    }

    /// Like iipsrv 1.1 (IIIF Image API 2, JPEG re-encoded): IIIF_VERSION=2 and no pass-through.
    static let server = SharedTestServer(
        TestServer.configuration {
            $0.iiifVersion = 2
            $0.codecPassthrough = false
        })
}
