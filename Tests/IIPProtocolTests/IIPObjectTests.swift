import Foundation
import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

private typealias Answer = IIPObjectFormatter.Answer

private func answer(_ object: IIPObject, _ image: ImageDescription?, rotation: Rotation = .none) -> Answer {
    IIPObjectFormatter.answer(object, image: image, rotation: rotation)
}

// iipsrv-reference §3.1
@Suite("OBJ names")
struct IIPObjectNameTests {
    static let names: [(String, IIPObject?)] = [
        ("iip,1.0", .protocolVersion),
        ("iip,2", .protocolVersion),
        ("iip,", .protocolVersion),
        ("iip-server", .serverVersion),
        ("max-size", .maxSize),
        ("tile-size", .tileSize),
        ("resolution-number", .resolutionNumber),
        ("bits-per-channel", .bitsPerChannel),
        ("vertical-views", .verticalViews),
        ("horizontal-views", .horizontalViews),
        ("min-max-sample-values", .minMaxSampleValues),
        ("resolutions", .resolutions),
        ("colorspace", .colorspace),
        ("colorspace,0-2,0:0", .colorspace),
        ("colorspace*", .colorspace),
        ("my-colorspace-please", .colorspace),
        ("basic-info", .basicInfo),
        ("iip-opt-comm", .optionalCommands),
        ("iip-opt-obj", .optionalObjects),
        ("dpi", .dpi),
        ("stack", .stack),
        ("metadata", .metadata),
        ("summary-info", .summaryInfo),
        ("rights", .field(.rights)),
        ("creator", .field(.creator)),
        ("description", .field(.description)),
        ("date", .field(.date)),
        ("title", .field(.title)),
        ("pagename", .field(.pagename)),
        ("software", .field(.software)),
        ("make", .field(.make)),
        ("model", .field(.model)),
        ("xmp", .field(.xmp)),
        ("scale", .field(.scale)),
        ("copyright", .legacyField(.copyright)),
        ("author", .legacyField(.author)),
        ("subject", .legacyField(.subject)),
        ("create-dtm", .legacyField(.createDate)),
        ("app-name", .legacyField(.applicationName)),
        ("keywords", .legacyField(.keywords)),
        ("comment", .legacyField(.comment)),
        ("last-author", .legacyField(.lastAuthor)),
        ("rev-number", .legacyField(.revisionNumber)),
        ("edit-time", .legacyField(.editTime)),
        ("last-printed", .legacyField(.lastPrinted)),
        ("last-save-dtm", .legacyField(.lastSaveDate)),
        ("iip", nil),
        ("iip-1.0", nil),
        ("", nil),
        ("max_size", nil),
        ("max-size ", nil),
        ("bogus", nil),
        ("color-space", nil),
    ]

    @Test("Every OBJ name of the reference, and unknown names", arguments: names)
    func recognises(name: String, expected: IIPObject?) {
        #expect(IIPObject(name: name) == expected)
    }

    @Test("Only the protocol, server and optional-list objects work without an image")
    func needsImage() {
        let free: Set<IIPObject> = [.protocolVersion, .serverVersion, .optionalCommands, .optionalObjects]
        let all: [IIPObject] =
            [
                .protocolVersion, .serverVersion, .maxSize, .tileSize, .resolutionNumber, .bitsPerChannel,
                .verticalViews, .horizontalViews, .minMaxSampleValues, .resolutions, .colorspace, .basicInfo,
                .optionalCommands, .optionalObjects, .dpi, .stack, .metadata, .summaryInfo,
            ] + MetadataField.allCases.map(IIPObject.field) + LegacyMetadataField.allCases.map(IIPObject.legacyField)
        for object in all {
            #expect(object.needsImage == !free.contains(object), "\(object)")
        }
    }

    @Test("Field name lists match the reference")
    func fieldNames() {
        #expect(
            MetadataField.allCases.map(\.rawValue) == [
                "rights", "creator", "description", "date", "title", "pagename", "software", "make", "model", "xmp",
                "scale",
            ])
        #expect(
            LegacyMetadataField.allCases.map(\.rawValue) == [
                "copyright", "author", "subject", "create-dtm", "app-name", "keywords", "comment", "last-author",
                "rev-number", "edit-time", "last-printed", "last-save-dtm",
            ])
    }
}

// iipsrv-reference §3.1 (lines observed from iipsrv for the 1000x700 RGB image)
@Suite("OBJ answers")
struct IIPObjectFormatterTests {
    static let rgbLines: [(IIPObject, [String])] = [
        (.protocolVersion, ["IIP:1.0"]),
        (.serverVersion, ["IIP-server:3.65"]),
        (.maxSize, ["Max-size:1000 700"]),
        (.tileSize, ["Tile-size:256 256"]),
        (.resolutionNumber, ["Resolution-number:3"]),
        (.bitsPerChannel, ["Bits-per-channel:8"]),
        (.verticalViews, ["Vertical-views:90"]),
        (.horizontalViews, ["Horizontal-views:0"]),
        (.minMaxSampleValues, ["Min-Max-sample-values: 0  255  0  255  0  255"]),
        (.resolutions, ["Resolutions:250 175,500 350,1000 700"]),
        (.colorspace, ["Colorspace,0-2,0:0 0 3 3 0 1 2"]),
        (
            .basicInfo,
            ["IIP-server:3.65", "Max-size:1000 700", "Resolution-number:3", "Colorspace,0-2,0:0 0 3 3 0 1 2"]
        ),
        (.optionalCommands, ["IIP-opt-comm:CVT CNT QLT JTL JTLS WID HEI RGN MINMAX SHD CMP INV CTW"]),
        (
            .optionalObjects,
            ["IIP-opt-obj:Horizontal-views Vertical-views Tile-size Bits-per-channel Min-Max-sample-values Resolutions"]
        ),
        (.dpi, []),
        (.stack, []),
        (.summaryInfo, []),
        (.field(.rights), []),
        (.field(.xmp), []),
        (.legacyField(.copyright), []),
    ]

    @Test("The 1000x700 RGB image, exactly as iipsrv answers", arguments: rgbLines)
    func rgbImage(object: IIPObject, expected: [String]) {
        #expect(answer(object, TestImages.rgb) == .lines(expected))
    }

    static let greyLines: [(IIPObject, [String])] = [
        (.maxSize, ["Max-size:640 480"]),
        (.tileSize, ["Tile-size:128 64"]),
        (.resolutionNumber, ["Resolution-number:1"]),
        (.bitsPerChannel, ["Bits-per-channel:16"]),
        (.minMaxSampleValues, ["Min-Max-sample-values: 0  65535"]),
        (.resolutions, ["Resolutions:640 480"]),
        (.colorspace, ["Colorspace,0-0,0:0 0 1 1 0"]),
        (.basicInfo, ["IIP-server:3.65", "Max-size:640 480", "Resolution-number:1", "Colorspace,0-0,0:0 0 1 1 0"]),
        (.verticalViews, ["Vertical-views:90"]),
        (.horizontalViews, ["Horizontal-views:0"]),
    ]

    @Test("A 16-bit grey image with one level", arguments: greyLines)
    func greyImage(object: IIPObject, expected: [String]) {
        #expect(answer(object, TestImages.grey16) == .lines(expected))
    }

    static let colorspaces: [(ColorSpace, Int, String)] = [
        (.greyscale, 1, "Colorspace,0-2,0:0 0 1 1 0"),
        (.binary, 1, "Colorspace,0-2,0:0 0 1 1 0"),
        (.sRGB, 3, "Colorspace,0-2,0:0 0 3 3 0 1 2"),
        // The colour planes only, whatever the extra bands (iipsrv 1.1 and master alike).
        (.sRGB, 4, "Colorspace,0-2,0:0 0 3 3 0 1 2"),
        (.sRGB, 6, "Colorspace,0-2,0:0 0 3 3 0 1 2"),
        (.greyscale, 2, "Colorspace,0-2,0:0 0 1 1 0"),
        (.greyscale, 7, "Colorspace,0-2,0:0 0 1 1 0"),
        (.cieLAB, 3, "Colorspace,0-2,0:1 0 4 3 0 1 2"),
    ]

    @Test(
        "Colorspace line per colour space (binary counts as grey, LAB is calibrated, extra bands are not planes)",
        arguments: colorspaces)
    func colorspace(space: ColorSpace, channels: Int, expected: String) {
        #expect(answer(.colorspace, TestImages.rgbLike(colorSpace: space, channels: channels)) == .lines([expected]))
    }

    static let rotations: [(Rotation, String)] = [
        (Rotation(degrees: 0), "Max-size:1000 700"),
        (Rotation(degrees: 90), "Max-size:700 1000"),
        (Rotation(degrees: 180), "Max-size:1000 700"),
        (Rotation(degrees: 270), "Max-size:700 1000"),
        (Rotation(degrees: 90, mirrored: true), "Max-size:700 1000"),
        (Rotation(degrees: 180, mirrored: true), "Max-size:1000 700"),
        (Rotation(degrees: 45), "Max-size:1000 700"),
    ]

    @Test("max-size swaps its axes for ROT 90 and 270", arguments: rotations)
    func maxSizeRotation(rotation: Rotation, expected: String) {
        #expect(answer(.maxSize, TestImages.rgb, rotation: rotation) == .lines([expected]))
    }

    /// basic-info is the iip-server, max-size, resolution-number and colorspace answers in a row, so its Max-size
    /// line follows ROT as OBJ=max-size does (iipsrv calls the same routine).
    @Test("basic-info's Max-size line swaps its axes for ROT 90 and 270 like max-size", arguments: rotations)
    func basicInfoRotation(rotation: Rotation, expected: String) {
        let lines = [
            "IIP-server:3.65", expected, "Resolution-number:3", "Colorspace,0-2,0:0 0 3 3 0 1 2",
        ]
        #expect(answer(.basicInfo, TestImages.rgb, rotation: rotation) == .lines(lines))
    }

    @Test("Without an image, only image-free objects answer")
    func withoutImage() {
        #expect(answer(.protocolVersion, nil) == .lines(["IIP:1.0"]))
        #expect(answer(.serverVersion, nil) == .lines(["IIP-server:3.65"]))
        #expect(answer(.optionalCommands, nil) == .lines(["IIP-opt-comm:" + IIPObjectFormatter.optionalCommands]))
        #expect(answer(.optionalObjects, nil) == .lines(["IIP-opt-obj:" + IIPObjectFormatter.optionalObjects]))
        for object: IIPObject in [.maxSize, .basicInfo, .colorspace, .metadata, .field(.rights), .summaryInfo] {
            #expect(answer(object, nil) == .lines([]), "\(object)")
        }
    }

    @Test("Tile-size is the full-resolution level's; views list every angle; min/max use %.9g")
    func otherShapes() {
        var image = TestImages.rgb
        image.levels[0].tileWidth = 64
        image.levels[0].tileHeight = 32
        image.levels[2].tileWidth = 512
        image.levels[2].tileHeight = 128
        image.horizontalViews = [0, 1, 2, 10]
        image.verticalViews = [0, 90, -45]
        image.minValues = [-0.5, 0, 1e-10]
        image.maxValues = [4_294_967_295, 1.5, 123_456_789]
        #expect(answer(.tileSize, image) == .lines(["Tile-size:512 128"]))
        #expect(answer(.horizontalViews, image) == .lines(["Horizontal-views:0 1 2 10"]))
        #expect(answer(.verticalViews, image) == .lines(["Vertical-views:0 90 -45"]))
        #expect(
            answer(.minMaxSampleValues, image)
                == .lines(["Min-Max-sample-values: -0.5  4.2949673e+09  0  1.5  1e-10  123456789"]))
        image.minValues = [7]
        image.maxValues = []
        #expect(answer(.minMaxSampleValues, image) == .lines(["Min-Max-sample-values: 7  0  0  0  0  0"]))
    }

    @Test("The protocol constants")
    func constants() {
        #expect(IIPObjectFormatter.protocolVersion == "1.0")
        #expect(IIPObjectFormatter.serverVersion == "3.65")
        #expect(IIPObjectFormatter.optionalCommands == "CVT CNT QLT JTL JTLS WID HEI RGN MINMAX SHD CMP INV CTW")
        #expect(
            IIPObjectFormatter.optionalObjects
                == "Horizontal-views Vertical-views Tile-size Bits-per-channel Min-Max-sample-values Resolutions")
    }
}

// iipsrv-reference §3.1 (metadata fields, master and 1.1 forms)
@Suite("OBJ metadata answers")
struct IIPMetadataObjectTests {
    static let masterFields: [(MetadataField, String, String)] = [
        (.rights, "© Test Owner", "text/plain"),
        (.creator, "Ann Artist", "text/plain"),
        (.description, "A \"quoted\" line\nsecond\tline", "text/plain"),
        (.date, "2024:01:02 03:04:05", "text/plain"),
        (.title, "Title", "text/plain"),
        (.pagename, "Page 1", "text/plain"),
        (.software, "vips 8.15", "text/plain"),
        (.make, "Canon", "text/plain"),
        (.model, "EOS R5", "text/plain"),
        (.xmp, "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>", "application/xml"),
    ]

    @Test("Master names answer the bare value as text/plain (XMP as application/xml)", arguments: masterFields)
    func masterField(field: MetadataField, value: String, mediaType: String) {
        #expect(answer(.field(field), TestImages.described) == .typedLines([value], mediaType: mediaType))
    }

    static let legacyFields: [(LegacyMetadataField, [String])] = [
        (.copyright, ["copyright/13:© Test Owner"]),
        (.author, ["author/10:Ann Artist"]),
        (.subject, ["subject/27:A \"quoted\" line\nsecond\tline"]),
        (.createDate, ["create-dtm/19:2024:01:02 03:04:05"]),
        (.applicationName, ["app-name/9:vips 8.15"]),
        (.keywords, []),
        (.comment, []),
        (.lastAuthor, []),
        (.revisionNumber, []),
        (.editTime, []),
        (.lastPrinted, []),
        (.lastSaveDate, []),
    ]

    @Test("1.1 names answer name/<byte length>:value; the never-filled ones answer nothing", arguments: legacyFields)
    func legacyField(field: LegacyMetadataField, expected: [String]) {
        #expect(answer(.legacyField(field), TestImages.described) == .lines(expected))
    }

    @Test("The 1.1 form matches iipsrv's observed copyright line")
    func observedCopyright() {
        var image = TestImages.rgb
        image.metadata.rights = "(c) Test Owner"
        #expect(answer(.legacyField(.copyright), image) == .lines(["copyright/14:(c) Test Owner"]))
    }

    @Test("summary-info: copyright, subject, author, create-dtm, app-name in the 1.1 form")
    func summaryInfo() {
        #expect(
            answer(.summaryInfo, TestImages.described)
                == .lines([
                    "copyright/13:© Test Owner",
                    "subject/27:A \"quoted\" line\nsecond\tline",
                    "author/10:Ann Artist",
                    "create-dtm/19:2024:01:02 03:04:05",
                    "app-name/9:vips 8.15",
                ]))
        var partial = TestImages.rgb
        partial.metadata.creator = "Bob"
        partial.metadata.software = ""
        partial.metadata.title = "not in summary"
        #expect(answer(.summaryInfo, partial) == .lines(["author/3:Bob"]))
    }

    @Test("metadata: a JSON object, keys sorted, values escaped, XMP left out")
    func metadataJSON() throws {
        let expected = """
            {
            \t"creator": "Ann Artist",
            \t"date": "2024:01:02 03:04:05",
            \t"description": "A \\"quoted\\" line\\nsecond\\tline",
            \t"make": "Canon",
            \t"model": "EOS R5",
            \t"pagename": "Page 1",
            \t"rights": "© Test Owner",
            \t"software": "vips 8.15",
            \t"title": "Title"
            }
            """
        let result = answer(.metadata, TestImages.described)
        #expect(result == .typedLines([expected], mediaType: "application/json"))
        guard case .typedLines(let lines, _) = result, lines.count == 1 else { return }
        let decoded = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String]
        #expect(decoded?["description"] == "A \"quoted\" line\nsecond\tline")
        #expect(decoded?.count == 9)
    }

    @Test("metadata with no fields is {\\n}; empty strings count as absent")
    func emptyMetadata() {
        #expect(answer(.metadata, TestImages.rgb) == .typedLines(["{\n}"], mediaType: "application/json"))
        var image = TestImages.rgb
        image.metadata.make = ""
        image.metadata.xmp = "<x/>"
        #expect(answer(.metadata, image) == .typedLines(["{\n}"], mediaType: "application/json"))
        image.metadata.model = "M"
        #expect(answer(.metadata, image) == .typedLines(["{\n\t\"model\": \"M\"\n}"], mediaType: "application/json"))
        #expect(answer(.field(.make), image) == .lines([]))
        #expect(answer(.field(.model), image) == .typedLines(["M"], mediaType: "text/plain"))
    }

    static let densities: [(PhysicalResolution?, [String])] = [
        (PhysicalResolution(x: 10, y: 10, unit: .centimetre), ["DPI:1000.000000 1000.000000"]),
        (PhysicalResolution(x: 300, y: 300, unit: .inch), ["DPI:11811.023622 11811.023622"]),
        (PhysicalResolution(x: 72, y: 144, unit: .inch), ["DPI:2834.645669 5669.291339"]),
        (PhysicalResolution(x: 1, y: 2, unit: .none), []),
        (nil, []),
    ]

    @Test("dpi: pixels per metre, nothing without an absolute unit", arguments: densities)
    func dpi(resolution: PhysicalResolution?, expected: [String]) {
        var image = TestImages.rgb
        image.resolution = resolution
        #expect(answer(.dpi, image) == .lines(expected))
    }

    @Test("The described image still answers the structural objects unchanged")
    func describedImageStructure() {
        #expect(answer(.maxSize, TestImages.described) == .lines(["Max-size:1000 700"]))
        #expect(answer(.dpi, TestImages.described) == .lines(["DPI:1000.000000 1000.000000"]))
    }
}
