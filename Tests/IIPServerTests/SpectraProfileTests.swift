import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// SPECTRA and PFL (iipsrv-reference §3.5) over multispectral sequences (one grey band per file), stacks and single
/// images, byte for byte against iipsrv 1.1 where 1.1 is right.
@Suite("SPECTRA and PFL", .serialized)
struct SpectraProfileTests {
    static let bands = "bands"
    static let bands16 = "bands16"
    static let single = FixtureSpec("profile-grey.tif", width: 400, height: 300).with {
        $0.channels = 1
        $0.compression = .deflate
    }
    static let stack = "spectra-stack.tif"

    init() throws {
        for (name, bits) in [(Self.bands, 8), (Self.bands16, 16)] {
            for view in SequenceFixtures.views {
                try Fixtures.make(
                    FixtureSpec(
                        SequenceFixtures.fileName(name, horizontal: view.horizontal, vertical: view.vertical),
                        width: 400, height: 300
                    ).with {
                        $0.channels = 1
                        $0.bits = bits
                        $0.compression = .deflate
                    })
            }
        }
        try Fixtures.make(Self.single)
        try SequenceFixtures.makeStack(Self.stack, width: 300, height: 200, pages: 3, subIFDs: false)
    }

    /// 1.1 writes several bands' keys unquoted (`0: [`); master quotes them, as JSON needs.
    static func quotingKeys(_ text: String) -> String {
        text.replacingOccurrences(of: #"\t\t(-?[0-9]+): \["#, with: "\t\t\"$1\": [", options: .regularExpression)
    }

    @Test(.enabled(if: ReferenceServer.enabled, "no reference iipsrv (run .ci/test)"))
    func spectraAndProfilesMatchIipsrv() async throws {
        try await TestServer.with { server in
            var compared = 0
            for query in [
                "FIF=\(Self.bands)&SPECTRA=1,0,10,20", "FIF=\(Self.bands)&SPECTRA=0,0,0,0",
                "FIF=\(Self.bands16)&SPECTRA=1,0,7,9", "FIF=\(Self.bands16)&SPECTRA=1,2,255,43",
                "FIF=\(Self.bands)&PFL=1:10,20-60,20", "FIF=\(Self.bands)&PFL=1:30,5-30,50",
                "FIF=\(Self.bands16)&PFL=0:0,0-12,0", "FIF=\(Self.bands)&PFL=1:17,23",
                "FIF=\(Self.single.name)&PFL=0:0,0-199,0", "FIF=\(Self.single.name)&PFL=0:5,10-5,140",
                "FIF=\(Self.single.name)&PFL=1:3,3", "FIF=\(Self.single.name)&SPECTRA=1,0,5,5",
            ] {
                let ours = try await server.get("/?\(query)")
                let theirs = try await ReferenceServer.get(query)
                #expect(ours.status == 200 && theirs.status == 200, "\(query): \(ours.status) \(theirs.status)")
                #expect(ours.text == Self.quotingKeys(theirs.text), "\(query)\n\(ours.text)\n\(theirs.text)")
                let type = query.contains("SPECTRA") ? "application/xml" : "application/json"
                #expect(ours.header("Content-Type") == type, "\(query)")
                compared += 1
            }
            // In a tile narrower than the tile size (the right edge, a small level), 1.1 reads sample
            // y * tile width + x of the narrower data, another pixel: the one this server gives for that offset.
            for (query, width) in [
                ("FIF=\(Self.bands)&SPECTRA=1,1,100,40", 144), ("FIF=\(Self.single.name)&SPECTRA=1,1,5,5", 144),
            ] {
                let theirs = try await ReferenceServer.get(query)
                let parts = query.split(separator: "=").last!.split(separator: ",").map { Int($0)! }
                let offset = parts[3] * 256 + parts[2]
                let moved = query.replacingOccurrences(
                    of: "SPECTRA=\(parts[0]),\(parts[1]),\(parts[2]),\(parts[3])",
                    with: "SPECTRA=\(parts[0]),\(parts[1]),\(offset % width),\(offset / width)")
                let ours = try await server.get("/?\(moved)")
                #expect(ours.text == theirs.text, "\(query) against ours at \(moved)")
                compared += 1
            }
            print("SPECTRA/PFL: \(compared) answers equal to iipsrv 1.1's")
        }
    }

    // The values are the files' samples: SPECTRA one pixel per band, PFL a line per band.
    @Test func valuesAreTheBandsSamples() async throws {
        try await TestServer.with { server in
            let spectra = try await server.get("/?FIF=\(Self.bands)&SPECTRA=1,1,3,4")
            var expected = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<spectra>\n"
            for angle in [0, 10, 20] {
                let name = SequenceFixtures.fileName(Self.bands, horizontal: angle, vertical: 90)
                let tiff = try PyramidTIFF(path: Fixtures.path(name))
                let pixel = try tiff.readRegion(resolution: 1, rect: PixelRect(x: 259, y: 4, width: 1, height: 1))
                expected += "\t<point>\n\t\t<wavelength>\(angle)</wavelength>\n\t\t<reflectance>"
                // Single precision, as iipsrv divides: 80 / 255 prints 0.313726, not double's 0.313725.
                let reflectance = Double(Float(pixel.bytes[0]) / 255)
                expected += String(format: "%f", reflectance) + "</reflectance>\n\t</point>\n"
            }
            expected += "</spectra>"
            #expect(spectra.text == expected)
        }
    }

    @Test func stacksAnswerWithTheirLayersNamesAndScales() async throws {
        try await TestServer.with { server in
            let object = try await server.get("/?FIF=\(Self.stack)&OBJ=stack")
            let layers = (0..<3).map {
                "\n\t{\n\t\t\"id\": \($0),\n\t\t\"name\": \"layer-\($0)\",\n\t\t\"scale\": \($0 + 1)\n\t}"
            }
            #expect(object.text == "[ " + layers.joined(separator: ",") + "\n]\r\n")
            #expect(object.header("Content-Type") == "application/json")
            let plain = try await server.get("/?FIF=\(Self.single.name)&OBJ=stack&OBJ=Max-size")
            #expect(plain.text == "Max-size:400 300\r\n")

            let profile = try await server.get("/?FIF=\(Self.stack)&PFL=0:10,7-14,7")
            var bands: [String] = []
            for page in 0..<3 {
                let picture = SequenceFixtures.stackPage(Self.stack, page: page, width: 300, height: 200)
                let start = (7 * 300 + 10) * 3
                let values = picture.bytes[start..<(start + 12)].map {
                    String(format: "%g", Double($0) * Double(page + 1))
                }
                bands.append("\t\t\"layer-\(page)\": [" + values.joined(separator: ",") + "]")
            }
            #expect(profile.text == "{\n\t\"profile\": {\n" + bands.joined(separator: ",\n") + "\n\t}\n}")
            let spectra = try await server.get("/?FIF=\(Self.stack)&SPECTRA=0,0,1,1")
            #expect(spectra.text.contains("<wavelength>layer-2</wavelength>"))
        }
    }

    @Test func badCoordinatesAre400() async throws {
        try await TestServer.with { server in
            for query in [
                "FIF=\(Self.bands)&SPECTRA=1,0,256,0", "FIF=\(Self.bands)&SPECTRA=1,1,200,0",
                "FIF=\(Self.bands)&PFL=0:10,20-201,20", "FIF=\(Self.bands)&PFL=9:1,1-2,1",
                "FIF=\(Self.bands)&PFL=0:10,150", "FIF=\(Self.bands)&PFL=1:a,b",
                "FIF=\(Self.bands)&SDS=0,0&SPECTRA=1,0,3,4", "FIF=\(Self.bands)&SDS=10,0&JTL=0,0",
            ] {
                let answer = try await server.get("/?\(query)")
                #expect((400..<500).contains(answer.status), "\(query): \(answer.status)")
            }
            let longest = try await server.get("/?FIF=\(Self.bands)&PFL=1:0,0-399,0")
            #expect(longest.status == 200)
            let message = try await server.get("/?FIF=\(Self.bands)&SPECTRA=1,0,256,0")
            #expect(message.text.contains("SPECTRA :: Error: x,y coordinates outside of tile boundaries"))
            // A view missing from a sparse grid of angles: no filesystem path in the answer.
            let sparse = try await server.get("/?FIF=\(Self.bands)&SDS=10,0&JTL=0,0")
            #expect(!sparse.text.contains("/"), "\(sparse.text)")
        }
    }

    // PFL and SPECTRA read at most MAX_EXPORT_PIXELS / 16 samples over all views.
    @Test func profilesAreBoundedByTheExportLimit() async throws {
        try await TestServer.with(TestServer.configuration { $0.maxExportPixels = 16 * 100 }) { server in
            // 3 bands x 40 pixels x 1 channel = 120 values, over 100.
            let long = try await server.get("/?FIF=\(Self.bands)&PFL=1:0,0-40,0")
            #expect(long.status == 400, "\(long.status)")
            let short = try await server.get("/?FIF=\(Self.bands)&PFL=1:0,0-30,0")
            #expect(short.status == 200, "\(short.status)")
        }
    }
}
