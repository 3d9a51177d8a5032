import IIPProtocol
import Testing

// iipsrv-reference §3.7 (URL forms), §1.3 (FIF decoding and ../ filtering)
@Suite("DeepZoom requests")
struct DeepZoomRequestTests {
    static let valid: [(String, DeepZoomRequest)] = [
        ("image.tif.dzi", .descriptor(path: "image.tif")),
        ("dir/sub/image.tif.dzi", .descriptor(path: "dir/sub/image.tif")),
        ("a%20b.tif.dzi", .descriptor(path: "a b.tif")),
        ("../../etc/x.tif.dzi", .descriptor(path: "etc/x.tif")),
        ("image.tif_files/10/3_2.jpg", .tile(path: "image.tif", level: 10, x: 3, y: 2, format: "jpg")),
        ("dir/image.tif_files/0/0_0.jpeg", .tile(path: "dir/image.tif", level: 0, x: 0, y: 0, format: "jpeg")),
        ("image.tif_files/9/1_1.PNG", .tile(path: "image.tif", level: 9, x: 1, y: 1, format: "png")),
        ("image.tif_files/9/1_1.webp", .tile(path: "image.tif", level: 9, x: 1, y: 1, format: "webp")),
        ("image.tif_files/9/1_1", .tile(path: "image.tif", level: 9, x: 1, y: 1, format: "jpg")),
        ("a_files/b.tif_files/8/0_12.jpg", .tile(path: "a_files/b.tif", level: 8, x: 0, y: 12, format: "jpg")),
    ]

    @Test("descriptor and tile URLs", arguments: valid)
    func parse(_ argument: String, _ expected: DeepZoomRequest) throws {
        #expect(try DeepZoomRequest.parse(argument) == expected)
    }

    static let invalid = [
        "", ".dzi", "image.tif", "image.tif.xml", "image.tif_files/", "image.tif_files/10", "image.tif_files/10/",
        "image.tif_files/a/0_0.jpg", "image.tif_files/-1/0_0.jpg", "image.tif_files/10/0-0.jpg",
        "image.tif_files/10/0_0_0.jpg", "image.tif_files/10/_0.jpg", "image.tif_files/10/0_.jpg",
        "image.tif_files/10/x_0.jpg", "image.tif_files/10/0_0.", "image.tif_files/10/1/0_0.jpg", "_files/1/0_0.jpg",
        "image.tif_files/99999999999/0_0.jpg",
    ]

    @Test("malformed requests are 400", arguments: invalid)
    func malformed(_ argument: String) {
        #expect(throws: ProtocolError.self) { try DeepZoomRequest.parse(argument) }
        do {
            _ = try DeepZoomRequest.parse(argument)
        } catch {
            #expect(error.status == 400)
        }
    }

    @Test("path accessor")
    func path() throws {
        #expect(try DeepZoomRequest.parse("x/y.tif.dzi").path == "x/y.tif")
        #expect(try DeepZoomRequest.parse("x/y.tif_files/1/0_0.jpg").path == "x/y.tif")
    }
}
