import IIPProtocol
import Testing

// iipsrv-reference §3.6 (URL and path extraction)
@Suite("Zoomify requests")
struct ZoomifyRequestTests {
    static let valid: [(String, ZoomifyRequest)] = [
        ("image.tif/ImageProperties.xml", .properties(path: "image.tif")),
        ("dir/sub/image.tif/ImageProperties.xml", .properties(path: "dir/sub/image.tif")),
        ("a%20b.tif/ImageProperties.xml", .properties(path: "a b.tif")),
        ("../secret.tif/ImageProperties.xml", .properties(path: "secret.tif")),
        ("image.tif/TileGroup0/2-3-1.jpg", .tile(path: "image.tif", level: 2, x: 3, y: 1)),
        ("image.tif/TileGroup7/0-0-0.jpg", .tile(path: "image.tif", level: 0, x: 0, y: 0)),
        ("image.tif/TileGroup/1-0-0.jpg", .tile(path: "image.tif", level: 1, x: 0, y: 0)),
        ("image.tif/TileGroup0/1-0-0", .tile(path: "image.tif", level: 1, x: 0, y: 0)),
        ("a/TileGroup/b.tif/TileGroup0/1-0-2.jpg", .tile(path: "a/TileGroup/b.tif", level: 1, x: 0, y: 2)),
    ]

    @Test("properties and tile URLs", arguments: valid)
    func parse(_ argument: String, _ expected: ZoomifyRequest) throws {
        #expect(try ZoomifyRequest.parse(argument) == expected)
    }

    static let invalid = [
        "", "image.tif", "ImageProperties.xml", "/ImageProperties.xml", "image.tif/imageproperties.xml",
        "image.tif/TileGroup0", "image.tif/TileGroup0/1-0.jpg", "image.tif/TileGroup0/1-0-0-0.jpg",
        "image.tif/TileGroup0/a-0-0.jpg", "image.tif/TileGroup0/-1-0-0.jpg", "image.tif/TileGroup0/x/1-0-0.jpg",
        "/TileGroup0/1-0-0.jpg", "image.tif/TileGroup0/1-0-.jpg",
    ]

    @Test("malformed requests are 400", arguments: invalid)
    func malformed(_ argument: String) {
        do {
            _ = try ZoomifyRequest.parse(argument)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 400)
        }
    }

    @Test("path accessor")
    func path() throws {
        #expect(try ZoomifyRequest.parse("x/y.tif/ImageProperties.xml").path == "x/y.tif")
        #expect(try ZoomifyRequest.parse("x/y.tif/TileGroup0/0-0-0.jpg").path == "x/y.tif")
    }
}
