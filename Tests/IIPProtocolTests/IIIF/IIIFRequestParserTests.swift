import IIPModel
import IIPProtocol
import Testing

private let parser = IIIFRequestParser()

private func image(
    _ region: IIIFRegion = .full, _ size: IIIFSize = IIIFSize(.max), _ rotation: IIIFRotation = IIIFRotation(),
    _ quality: IIIFQuality = .default, _ format: OutputFormat = .jpeg
) -> IIIFImageRequest {
    IIIFImageRequest(region: region, size: size, rotation: rotation, quality: quality, format: format)
}

// iipsrv-reference §4.2, §1.3; IIIF 3.0 §2, §9 (identifier encoding)
@Suite("IIIF URL paths and identifiers")
struct IIIFPathTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var version: IIIFVersion = .v3
        var expected: IIIFRequest
        var testDescription: String { path }
    }

    static let valid: [Case] = [
        Case(path: "abc", expected: .baseRedirect(identifier: "abc")),
        Case(path: "abc/", expected: .baseRedirect(identifier: "abc")),
        Case(path: "abc%2Fdef.tif", expected: .baseRedirect(identifier: "abc/def.tif")),
        Case(path: "info.json", expected: .baseRedirect(identifier: "info.json")),
        Case(path: "abc/info.json", expected: .info(identifier: "abc")),
        Case(path: "a/b/c.tif/info.json", expected: .info(identifier: "a/b/c.tif")),
        Case(path: "a%2Fb.tif/info.json", expected: .info(identifier: "a/b.tif")),
        Case(path: "a%252Fb.tif/info.json", expected: .info(identifier: "a/b.tif")),
        Case(path: "abc/full/max/0/default.jpg", expected: .image(identifier: "abc", image())),
        Case(path: "abc/full/max/0/default.jpg/", expected: .image(identifier: "abc", image())),
        Case(path: "abc/full/max/0/default.jpg?x=1&y=2", expected: .image(identifier: "abc", image())),
        Case(path: "a/b/c.tif/full/max/0/default.jpg", expected: .image(identifier: "a/b/c.tif", image())),
        Case(path: "abc%2Fdef.tif/full/max/0/default.jpg", expected: .image(identifier: "abc/def.tif", image())),
        Case(path: "abc%252Fdef.tif/full/max/0/default.jpg", expected: .image(identifier: "abc/def.tif", image())),
        Case(path: "a%2Fb/full/max/0/default.jpg", expected: .image(identifier: "a/b", image())),
        Case(
            path: "67352ccc%2Dd1b0-11e1-89ae-279075081939/full/max/0/default.jpg",
            expected: .image(identifier: "67352ccc-d1b0-11e1-89ae-279075081939", image())),
        Case(path: "[frob]/full/max/0/default.jpg", expected: .image(identifier: "[frob]", image())),
        Case(path: "%5Bfrob%5D/full/max/0/default.jpg", expected: .image(identifier: "[frob]", image())),
        Case(path: "a+b.tif/full/max/0/default.jpg", expected: .image(identifier: "a b.tif", image())),
        Case(path: "../../etc/passwd/full/max/0/default.jpg", expected: .image(identifier: "etc/passwd", image())),
        Case(path: "%2E%2E%2Fsecret.tif/full/max/0/default.jpg", expected: .image(identifier: "secret.tif", image())),
        Case(path: "....//x.tif/full/max/0/default.jpg", expected: .image(identifier: "x.tif", image())),
        Case(path: "abc/extra/full/max/0/default.jpg", expected: .image(identifier: "abc/extra", image())),
        Case(path: "abc/FULL/MAX/0/DEFAULT.JPG", expected: .image(identifier: "abc", image())),
        Case(
            path: "abc/pct%3A10,10,10,10/%5Emax/0/default.jpg",
            expected: .image(
                identifier: "abc", image(.percent(x: 10, y: 10, width: 10, height: 10), IIIFSize(.max, upscaling: true))
            )),
        Case(path: "abc/full/full/0/native.jpg", version: .v2, expected: .image(identifier: "abc", image())),
        Case(path: "abc/full/full/0/native", version: .v2, expected: .image(identifier: "abc", image())),
    ]

    @Test("valid paths", arguments: valid)
    func validPath(_ testCase: Case) throws {
        #expect(try parser.parse(testCase.path, version: testCase.version) == testCase.expected)
    }

    static let invalid: [(String, IIIFVersion)] = [
        ("", .v3),
        ("/", .v3),
        ("/info.json", .v3),
        ("%2E%2E%2F/info.json", .v3),
        ("abc/info", .v3),
        ("abc/info.xml", .v3),
        ("abc/full/max/default.jpg", .v3),
        ("abc/full/max/0/", .v3),
        ("abc/max/0/default.jpg", .v2),
        ("/full/max/0/default.jpg", .v3),
        ("abc/full//0/default.jpg", .v3),
        ("abc//max/0/default.jpg", .v3),
        ("abc/full/max//default.jpg", .v3),
        ("abc/full/max/0/default", .v3),
        ("abc/full/max/0/.jpg", .v3),
        ("abc/full/max/0/default.", .v3),
    ]

    @Test("malformed paths are 400", arguments: invalid)
    func invalidPath(_ path: String, _ version: IIIFVersion) {
        #expect(IIIFFixtures.status { () throws(ProtocolError) in _ = try parser.parse(path, version: version) } == 400)
    }

    @Test("too few segments: iipsrv's message")
    func tooFewMessage() {
        #expect(
            throws: ProtocolError.badRequest(
                "IIIF: Query has too few parameters. IIIF syntax is "
                    + "{identifier}/{region}/{size}/{rotation}/{quality}{.format}"
            )
        ) {
            try parser.parse("abc/max/0/default.jpg", version: .v3)
        }
    }

    @Test("identifier accessor")
    func identifierAccessor() throws {
        #expect(try parser.parse("a%2Fb", version: .v3).identifier == "a/b")
        #expect(try parser.parse("x/y/info.json", version: .v3).identifier == "x/y")
        #expect(try parser.parse("x/full/max/0/default.png", version: .v3).identifier == "x")
    }

    // iipsrv-reference §4.2 (IIIF_DELIMITER)
    struct PageCase: Sendable, CustomTestStringConvertible {
        var identifier: String
        var delimiter: String
        var expected: String
        var page: Int?
        var testDescription: String { "\(identifier) / \(delimiter)" }
    }

    static let pages: [PageCase] = [
        PageCase(identifier: "image.tif,5", delimiter: ",", expected: "image.tif", page: 5),
        PageCase(identifier: "image.tif,0", delimiter: ",", expected: "image.tif", page: 0),
        PageCase(identifier: "a,b.tif,12", delimiter: ",", expected: "a,b.tif", page: 12),
        PageCase(identifier: "img::3", delimiter: "::", expected: "img", page: 3),
        PageCase(identifier: "image.tif", delimiter: ",", expected: "image.tif", page: nil),
        PageCase(identifier: "a,b.tif", delimiter: ",", expected: "a,b.tif", page: nil),
        PageCase(identifier: "image.tif,", delimiter: ",", expected: "image.tif,", page: nil),
        PageCase(identifier: "image.tif,-1", delimiter: ",", expected: "image.tif,-1", page: nil),
        PageCase(identifier: "image.tif,5", delimiter: "", expected: "image.tif,5", page: nil),
    ]

    @Test("page delimiter", arguments: pages)
    func splitPage(_ testCase: PageCase) {
        let result = IIIFRequestParser.splitPage(identifier: testCase.identifier, delimiter: testCase.delimiter)
        #expect(result.identifier == testCase.expected)
        #expect(result.page == testCase.page)
    }
}

// IIIF 3.0 §4.1, §4.7; iipsrv-reference §4.4 (region)
@Suite("IIIF region parameter")
struct IIIFRegionParameterTests {
    static let valid: [(String, IIIFRegion)] = [
        ("full", .full),
        ("square", .square),
        ("0,0,10,10", .pixels(x: 0, y: 0, width: 10, height: 10)),
        ("125,15,120,140", .pixels(x: 125, y: 15, width: 120, height: 140)),
        ("10,20,0,5", .pixels(x: 10, y: 20, width: 0, height: 5)),
        ("007,0,1,1", .pixels(x: 7, y: 0, width: 1, height: 1)),
        ("pct:10,20.5,30,40", .percent(x: 10, y: 20.5, width: 30, height: 40)),
        ("pct:0.5,0,100,100", .percent(x: 0.5, y: 0, width: 100, height: 100)),
        ("pct:41.6,7.5,40,70", .percent(x: 41.6, y: 7.5, width: 40, height: 70)),
        ("pct:.5,5.,1,1", .percent(x: 0.5, y: 5, width: 1, height: 1)),
    ]

    @Test("valid regions", arguments: valid)
    func validRegion(_ text: String, _ expected: IIIFRegion) throws {
        #expect(try IIIFRequestParser.region(text) == expected)
    }

    static let invalid = [
        "", "full2", "squares", "Full ", "-1,0,10,10", "0,-1,10,10", "+1,0,10,10", "1e2,0,10,10", "0,0,10",
        "0,0,10,10,10", "0,0,10,10x", " 0,0,10,10", "0, 0,10,10", "0,0,,10", "1.5,0,10,10", "0x1,0,10,10",
        "99999999999,0,1,1", "pct:", "pct:1,2,3", "pct:1,2,3,4,5", "pct:-1,0,10,10", "pct:+1,0,10,10",
        "pct:1e1,0,10,10", "pct:1..2,0,10,10", "pct:.,0,1,1", "pct:1.2.3,0,1,1", "pct:nan,0,1,1", "pct:inf,0,1,1",
        "pct10,10,10,10", "PCT :1,1,1,1", "0,0,10,10,",
    ]

    @Test("malformed regions are 400", arguments: invalid)
    func invalidRegion(_ text: String) {
        #expect(IIIFFixtures.status { () throws(ProtocolError) in _ = try IIIFRequestParser.region(text) } == 400)
    }
}

// IIIF 3.0 §4.2, 2.1 §4.2; iipsrv-reference §4.4 (size)
@Suite("IIIF size parameter")
struct IIIFSizeParameterTests {
    static let validV3: [(String, IIIFSize)] = [
        ("max", IIIFSize(.max)),
        ("^max", IIIFSize(.max, upscaling: true)),
        ("100,", IIIFSize(.width(100))),
        ("^100,", IIIFSize(.width(100), upscaling: true)),
        (",100", IIIFSize(.height(100))),
        ("^,100", IIIFSize(.height(100), upscaling: true)),
        ("pct:50", IIIFSize(.percent(50))),
        ("pct:100", IIIFSize(.percent(100))),
        ("pct:0.5", IIIFSize(.percent(0.5))),
        ("^pct:150", IIIFSize(.percent(150), upscaling: true)),
        ("^pct:50", IIIFSize(.percent(50), upscaling: true)),
        ("100,200", IIIFSize(.exact(width: 100, height: 200))),
        ("^100,200", IIIFSize(.exact(width: 100, height: 200), upscaling: true)),
        ("!100,200", IIIFSize(.confined(width: 100, height: 200))),
        ("^!100,200", IIIFSize(.confined(width: 100, height: 200), upscaling: true)),
    ]

    @Test("valid 3.0 sizes", arguments: validV3)
    func validV3Size(_ text: String, _ expected: IIIFSize) throws {
        #expect(try IIIFRequestParser.size(text, version: .v3) == expected)
    }

    static let validV2: [(String, IIIFSize)] = [
        ("full", IIIFSize(.max)),
        ("max", IIIFSize(.max)),
        ("100,", IIIFSize(.width(100))),
        (",100", IIIFSize(.height(100))),
        ("pct:50", IIIFSize(.percent(50))),
        ("pct:150", IIIFSize(.percent(150))),
        ("100,200", IIIFSize(.exact(width: 100, height: 200))),
        ("!100,200", IIIFSize(.confined(width: 100, height: 200))),
    ]

    @Test("valid 2.1 sizes", arguments: validV2)
    func validV2Size(_ text: String, _ expected: IIIFSize) throws {
        #expect(try IIIFRequestParser.size(text, version: .v2) == expected)
    }

    static let invalidV3 = [
        "", "full", ",", "0,", ",0", "0,0", "-1,", ",-1", "+1,", "1e2,", "100", "100,,", ",,100", "!100,", "!,100",
        "!100", "^", "^^max", "^full", "!^100,100", "max,", "100,200,300", "100 ,", " 100,", "100,x", "1.5,",
        "pct:", "pct:0", "pct:101", "pct:100.5", "pct:-5", "pct:1e2", "pct:50%", "pct 50", "^pct:0", "^!0,10",
        "99999999999,", "maximum",
    ]

    @Test("malformed 3.0 sizes are 400", arguments: invalidV3)
    func invalidV3Size(_ text: String) {
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in _ = try IIIFRequestParser.size(text, version: .v3) }
                == 400)
    }

    static let invalidV2 = ["^max", "^100,", "^,100", "^pct:50", "^100,100", "^!100,100", "pct:0", "!100,", ",", ""]

    @Test("malformed 2.1 sizes are 400, including every ^ form", arguments: invalidV2)
    func invalidV2Size(_ text: String) {
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in _ = try IIIFRequestParser.size(text, version: .v2) }
                == 400)
    }
}

// IIIF 3.0 §4.3, §4.7
@Suite("IIIF rotation parameter")
struct IIIFRotationParameterTests {
    static let valid: [(String, IIIFRotation)] = [
        ("0", IIIFRotation()),
        ("90", IIIFRotation(degrees: 90)),
        ("180", IIIFRotation(degrees: 180)),
        ("270", IIIFRotation(degrees: 270)),
        ("360", IIIFRotation(degrees: 360)),
        ("22.5", IIIFRotation(degrees: 22.5)),
        ("0.5", IIIFRotation(degrees: 0.5)),
        ("360.0", IIIFRotation(degrees: 360)),
        ("!0", IIIFRotation(degrees: 0, mirrored: true)),
        ("!180", IIIFRotation(degrees: 180, mirrored: true)),
        ("!345", IIIFRotation(degrees: 345, mirrored: true)),
    ]

    @Test("valid rotations", arguments: valid)
    func validRotation(_ text: String, _ expected: IIIFRotation) throws {
        #expect(try IIIFRequestParser.rotation(text) == expected)
    }

    static let invalid = [
        "", "!", "!!90", "361", "360.1", "-90", "+90", "1e2", "90deg", "9 0", " 90", "..5", "abcd", "!-1",
        "0x10",
    ]

    @Test("malformed rotations are 400", arguments: invalid)
    func invalidRotation(_ text: String) {
        #expect(IIIFFixtures.status { () throws(ProtocolError) in _ = try IIIFRequestParser.rotation(text) } == 400)
    }

    @Test("a trailing dot is read leniently")
    func trailingDot() throws {
        #expect(try IIIFRequestParser.rotation("90.") == IIIFRotation(degrees: 90))
    }
}

// IIIF 3.0 §4.4-§4.5; iipsrv-reference §4.4 (quality and format)
@Suite("IIIF quality and format")
struct IIIFQualityFormatTests {
    static let qualities: [(String, IIIFVersion, IIIFQuality)] = [
        ("default", .v3, .default), ("color", .v3, .color), ("gray", .v3, .gray), ("bitonal", .v3, .bitonal),
        ("default", .v2, .default), ("color", .v2, .color), ("gray", .v2, .gray), ("bitonal", .v2, .bitonal),
        ("native", .v2, .default), ("grey", .v2, .gray),
    ]

    @Test("standard qualities", arguments: qualities)
    func quality(_ text: String, _ version: IIIFVersion, _ expected: IIIFQuality) throws {
        #expect(try parser.quality(text, version: version) == expected)
    }

    static let badQualities: [(String, IIIFVersion)] = [
        ("native", .v3), ("grey", .v3), ("colour", .v3), ("", .v3), ("foo", .v2), ("stretch", .v3),
        ("negative", .v2), ("equalization", .v3), ("log", .v3), ("Default", .v3),
    ]

    @Test("unknown or disabled qualities are 400", arguments: badQualities)
    func badQuality(_ text: String, _ version: IIIFVersion) {
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in _ = try parser.quality(text, version: version) } == 400)
    }

    @Test("IIIF_EXTENSIONS qualities")
    func extensions() throws {
        let extended = IIIFRequestParser(extensions: true)
        #expect(try extended.quality("stretch", version: .v3) == .stretch)
        #expect(try extended.quality("negative", version: .v2) == .negative)
        #expect(try extended.quality("equalization", version: .v3) == .equalization)
        #expect(try extended.quality("log", version: .v3) == .log)
        #expect(IIIFQuality.extensions.map(\.rawValue) == ["negative", "stretch", "equalization", "log"])
    }

    @Test("enabled formats only")
    func formats() throws {
        #expect(try parser.format("jpg") == .jpeg)
        #expect(try parser.format("png") == .png)
        for text in ["webp", "tif", "gif", "jp2", "pdf", "avif", "jxl", "jpeg", "xyz", "JPG", "", "jpg "] {
            #expect(IIIFFixtures.status { () throws(ProtocolError) in _ = try parser.format(text) } == 400, "\(text)")
        }
        let all = IIIFRequestParser(formats: Set(OutputFormat.allCases))
        for format in OutputFormat.allCases { #expect(try all.format(format.fileExtension) == format) }
    }

    @Test("quality and format from the last segment; missing format")
    func lastSegment() throws {
        let webp = IIIFRequestParser(formats: [.jpeg, .webp])
        #expect(
            try webp.parse("a/full/max/0/gray.webp", version: .v3)
                == .image(identifier: "a", image(.full, IIIFSize(.max), IIIFRotation(), .gray, .webp)))
        #expect(
            try parser.parse("a/full/max/0/bitonal.png", version: .v2)
                == .image(identifier: "a", image(.full, IIIFSize(.max), IIIFRotation(), .bitonal, .png)))
        #expect(
            try parser.parse("a/full/max/0/color", version: .v2)
                == .image(identifier: "a", image(.full, IIIFSize(.max), IIIFRotation(), .color, .jpeg)))
        #expect(throws: ProtocolError.badRequest("IIIF: missing output format: color")) {
            try parser.parse("a/full/max/0/color", version: .v3)
        }
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in
                _ = try parser.parse("a/full/max/0/default.webp", version: .v3)
            } == 400)
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in
                _ = try parser.parse("a/full/max/0/default.abc", version: .v3)
            } == 400)
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in _ = try parser.parse("a/full/max/0/x.y.jpg", version: .v3)
            }
                == 400)
    }

    @Test("format media types and encoders")
    func mediaTypes() throws {
        #expect(try parser.format("jpg").mediaType == "image/jpeg")
        let all = IIIFRequestParser(formats: Set(OutputFormat.allCases))
        #expect(try all.format("tif").mediaType == "image/tiff")
        #expect(try all.format("pdf").mediaType == "application/pdf")
        #expect(OutputFormat(fileExtension: "jpeg") == nil)
        #expect(OutputFormat(fileExtension: "tiff") == nil)
    }
}
