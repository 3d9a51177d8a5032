import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

/// The protocol planners as pure functions: request and image description in, typed plan or typed error out
/// (iipsrv-reference §1.4, §2-§4, §3.6, §3.7).
@Suite struct ProtocolPlannerTests {
    static let settings = ProtocolSettings(formats: [.jpeg, .png, .webp, .tiff], maxTileRange: 4)
    static let image = TestImages.rgb
    let planner = ProtocolPlanner(settings: Self.settings)
    let reader = RequestReader(settings: Self.settings)

    /// Images by path: `b.tif` is the portrait twin of every other name's landscape image.
    static func images(_ path: String) -> ImageDescription? { path == "b.tif" ? TestImages.portrait : Self.image }

    /// Reads `request`, opens (describes) the images it names, and plans it.
    func planned(_ request: ServerRequest) throws(ProtocolError) -> PlannedRequest {
        guard case .request(let call) = try reader.read(request) else { throw .badRequest("not a request") }
        let paths = reader.imagePaths(of: call, request: request)
        return try planner.plan(call, request: request) { paths.contains($0) ? Self.images($0) : nil }
    }

    /// Reads `query` as an IIP request and plans it.
    func plan(_ query: String) throws(ProtocolError) -> ImagePlan {
        try planned(ServerRequest(query: query)).plan
    }

    func status(_ body: () throws(ProtocolError) -> Void) -> Int? {
        do {
            try body()
            return nil
        } catch {
            return error.status
        }
    }

    // MARK: - IIP

    @Test func tileWithDefaultsAndWithQuality() throws {
        guard case .tile(let tile) = try plan("FIF=a.tif&JTL=1,2") else {
            Issue.record("not a tile")
            return
        }
        #expect(tile.resolution == 1 && tile.tile == 2)
        #expect(tile.rendering == Rendering(format: .jpeg, quality: 75))
        #expect(tile.rendering.allowsPassThrough)
        guard case .tile(let tuned) = try plan("FIF=a.tif&QLT=101&PTL=1,2") else {
            Issue.record("not a tile")
            return
        }
        #expect(tuned.rendering.format == .png && tuned.rendering.quality == 9 && !tuned.rendering.qualityIsDefault)
        #expect(!tuned.rendering.allowsPassThrough)
    }

    @Test func halfTurnCountsTilesFromTheOtherEnd() throws {
        guard case .tile(let tile) = try plan("FIF=a.tif&ROT=180&JTL=2,0") else {
            Issue.record("not a tile")
            return
        }
        #expect(tile.tile == Self.image.levels[2].tileCount - 1)
        #expect(tile.rendering.processing.rotation.degrees == 180)
    }

    @Test func errorsAreTypedWithTheirStatus() {
        #expect(status { () throws(ProtocolError) in _ = try plan("FIF=a.tif&JTL=9,0") } == 404)
        #expect(status { () throws(ProtocolError) in _ = try plan("FIF=a.tif&JTL=0,99") } == 404)
        #expect(status { () throws(ProtocolError) in _ = try plan("FIF=a.tif&WID=abc&JTL=0,0") } == 400)
        // A tile before any image and an unknown command are IIP error lines, sent with status 400.
        #expect(throws: ProtocolError(iip: [IIPError(.imageUnavailable, "JTL")])) { try plan("JTL=0,0") }
        #expect(throws: ProtocolError(iip: [IIPError(.unsupportedCommand, "XYZ")])) { try plan("FIF=a.tif&XYZ=1") }
        // A format this build cannot write is an unsupported command.
        #expect(throws: ProtocolError(iip: [IIPError(.unsupportedCommand, "ATL")])) { try plan("FIF=a.tif&ATL=0,0") }
    }

    @Test func tileRangeIsColumnMajorAndBounded() throws {
        // Level 2 is 4x3 tiles: tiles 0-5 span columns 0-1 of rows 0-1.
        guard case .tiles(let range) = try plan("FIF=a.tif&TIL=2,0-5") else {
            Issue.record("not a range")
            return
        }
        #expect(range.resolution == 2 && range.tiles == [0, 4, 1, 5])
        // 12 tiles, more than MAX_TILE_RANGE (4).
        #expect(status { () throws(ProtocolError) in _ = try plan("FIF=a.tif&TIL=2,0-11") } == 400)
    }

    @Test func exportNamesItsFile() throws {
        guard case .region(let region) = try plan("FIF=dir/a.b.tif&WID=100&CVT=png") else {
            Issue.record("not a region")
            return
        }
        #expect(region.export.outputWidth == 100 && region.export.outputHeight == 70)
        #expect(region.rendering.format == .png)
        #expect(region.delivery.fileName == "a.b_100x70.png")
        // An unknown or unwritable CVT format is JPEG, as in iipsrv.
        guard case .region(let avif) = try plan("FIF=a.tif&WID=10&CVT=avif") else {
            Issue.record("no region")
            return
        }
        #expect(avif.rendering.format == .jpeg)
    }

    @Test func objectsAreLines() throws {
        guard case .document(let document) = try plan("OBJ=IIP,1.0"), case .text(let lines) = document.body else {
            Issue.record("not lines")
            return
        }
        #expect(lines == "IIP:1.0\r\n" && document.mediaType == "application/vnd.netfpx")
        guard case .document(let size) = try plan("FIF=a.tif&OBJ=Max-size"), case .text(let sizeLines) = size.body
        else {
            Issue.record("not lines")
            return
        }
        #expect(sizeLines == "Max-size:1000 700\r\n")
    }

    // MARK: - Reading requests

    @Test func readerAnswersWithoutAnImage() throws {
        if case .landingPage = try reader.read(ServerRequest()) {} else { Issue.record("no landing page") }
        if case .preflight = try reader.read(ServerRequest(method: .options)) {} else { Issue.record("no 204") }
        if case .methodNotAllowed = try reader.read(ServerRequest(method: .other("PUT"), query: "FIF=a")) {
        } else {
            Issue.record("no 405")
        }
        #expect(
            status { () throws(ProtocolError) in
                _ = try reader.read(ServerRequest(query: String(repeating: "x", count: 8193)))
            } == 414)
    }

    @Test func imagesAreEveryFIFUpToTheCommandThatAnswers() throws {
        func paths(_ query: String) throws -> [String] {
            let request = ServerRequest(query: query)
            guard case .request(let call) = try reader.read(request) else { return ["none"] }
            return reader.imagePaths(of: call, request: request)
        }
        #expect(try paths("FIF=a.tif&JTL=0,0") == ["a.tif"])
        #expect(try paths("FIF=a.tif&FIF=b.tif&JTL=0,0") == ["a.tif", "b.tif"])
        #expect(try paths("FIF=a.tif&JTL=0,0&FIF=b.tif") == ["a.tif"])
        #expect(try paths("FIF=a.tif&WID=x&FIF=b.tif") == ["a.tif"])
        #expect(try paths("WID=x&FIF=a.tif") == [])
        #expect(try paths("OBJ=IIP,1.0") == [])
        #expect(try paths("FIF=a.tif&Zoomify=b.tif/ImageProperties.xml&FIF=c.tif") == ["a.tif", "b.tif"])
    }

    // Commands run left to right: each FIF switches image, and what an answer is about is the image in force.
    @Test func eachFIFSwitchesTheImage() throws {
        let both = try planned(ServerRequest(query: "FIF=a.tif&OBJ=Max-size&FIF=b.tif&OBJ=Max-size"))
        guard case .document(let document) = both.plan, case .text(let text) = document.body else {
            Issue.record("no lines")
            return
        }
        #expect(text == "Max-size:1000 700\r\nMax-size:700 1000\r\n")
        #expect(both.imagePath == "b.tif")
        #expect(try planned(ServerRequest(query: "FIF=a.tif&JTL=0,0&FIF=b.tif")).imagePath == "a.tif")
        #expect(try planned(ServerRequest(query: "OBJ=IIP,1.0")).imagePath == nil)
    }

    // Zoomify, DeepZoom and IIIF inside IIP answer when they are reached, after the commands before them.
    @Test func embeddedProtocolCommandsAnswerWhenReached() throws {
        let zoomify = try planned(ServerRequest(query: "OBJ=IIP,1.0&Zoomify=b.tif/ImageProperties.xml"))
        guard case .document(let document) = zoomify.plan, case .text(let xml) = document.body else {
            Issue.record("not Zoomify")
            return
        }
        #expect(xml.contains("WIDTH=\"700\"") && zoomify.imagePath == "b.tif")
        guard case .tile = try plan("JTL=0,0&DeepZoom=a.tif_files/10/0_0.jpg") else {
            Issue.record("not a DeepZoom tile")
            return
        }
        #expect(status { () throws(ProtocolError) in _ = try plan("FIF=a.tif&Zoomify=a.tif/nothing") } == 400)
        guard case .redirect(let location) = try planned(ServerRequest(query: "IIIF=a.tif", host: "x.org")).plan,
            location == "http://x.org/?IIIF=a.tif/info.json"
        else {
            Issue.record("not a IIIF redirect")
            return
        }
    }

    // MARK: - IIIF

    func iiif(_ path: String, accept: String? = nil) throws(ProtocolError) -> ImagePlan {
        let request = ServerRequest(path: path, host: "x.org", accept: accept)
        guard case .request(let call) = try reader.read(request) else { throw .badRequest("not a request") }
        let paths = reader.imagePaths(of: call, request: request)
        return try planner.plan(call, request: request) { paths.contains($0) ? Self.image : nil }.plan
    }

    @Test func iiifBaseURIRedirectsToInfo() throws {
        guard case .redirect(let location) = try iiif("/iiif/a.tif") else {
            Issue.record("no redirect")
            return
        }
        #expect(location == "http://x.org/iiif/a.tif/info.json")
    }

    @Test func iiifInfoIsMemoizedPerVersionAndID() throws {
        guard case .document(let document) = try iiif("/iiif/a.tif/info.json"),
            case .memoized(let key, let make) = document.body
        else {
            Issue.record("not a memoized document")
            return
        }
        #expect(key == "3 http://x.org/iiif/a.tif")
        #expect(make().contains("\"id\" : \"http://x.org/iiif/a.tif\""))
        #expect(document.delivery.link == "<http://iiif.io/api/image/3/level2.json>;rel=\"profile\"")
        #expect(!document.delivery.privateCache)
        // Accept asks for 2.1: another version than IIIF_VERSION, so the answer is private.
        let accept = "application/ld+json;profile=\"http://iiif.io/api/image/2/context.json\""
        guard case .document(let v2) = try iiif("/iiif/a.tif/info.json", accept: accept) else {
            Issue.record("not a document")
            return
        }
        #expect(v2.delivery.privateCache && v2.mediaType == "application/ld+json")
    }

    @Test func iiifImageIsATileWhenItIsExactlyOne() throws {
        guard case .tile(let tile) = try iiif("/iiif/a.tif/256,0,256,256/256,/0/default.jpg") else {
            Issue.record("not a tile")
            return
        }
        #expect(tile.resolution == 2 && tile.tile == 1)
        #expect(tile.delivery.link?.contains("rel=\"canonical\"") == true)
        guard case .region(let grey) = try iiif("/iiif/a.tif/256,0,256,256/256,/0/gray.png") else {
            Issue.record("not a region")
            return
        }
        #expect(grey.rendering.processing.colorConversion == .grey && grey.rendering.format == .png)
        #expect(status { () throws(ProtocolError) in _ = try iiif("/iiif/a.tif/full/max/0/default.gif") } == 400)
    }

    // MARK: - DeepZoom and Zoomify

    @Test func deepZoomDescriptorTilesAndDownscales() throws {
        let planner = DeepZoomPlanner(settings: Self.settings)
        guard case .document(let descriptor) = try planner.plan(.descriptor(path: "a.tif"), image: Self.image),
            case .text(let xml) = descriptor.body
        else {
            Issue.record("no descriptor")
            return
        }
        #expect(xml.contains("Width=\"1000\"") && xml.contains("Height=\"700\""))
        // DeepZoom level 10 is 1000x700, the full pyramid level.
        guard
            case .tile(let tile) = try planner.plan(
                .tile(path: "a.tif", level: 10, x: 1, y: 0, format: "png"), image: Self.image)
        else {
            Issue.record("not a tile")
            return
        }
        #expect(tile.resolution == 2 && tile.tile == 1 && tile.rendering.format == .png)
        // Level 2 is 4x3, below the smallest pyramid level: a real downscale.
        guard
            case .region(let region) = try planner.plan(
                .tile(path: "a.tif", level: 2, x: 0, y: 0, format: "jpg"), image: Self.image)
        else {
            Issue.record("not a region")
            return
        }
        #expect(region.export.outputWidth == 4 && region.export.outputHeight == 3)
        #expect(region.delivery.fileName == nil)
    }

    // A DeepZoom tile's extension picks PNG, WebP, AVIF or JPEG XL when the server writes it, JPEG otherwise.
    @Test(arguments: [
        ("png", OutputFormat.png), ("webp", .webp), ("avif", .avif), ("jxl", .jxl), ("gif", .jpeg), ("tif", .jpeg),
        ("jpeg", .jpeg), ("xyz", .jpeg),
    ])
    func deepZoomTileFormats(extensionName: String, expected: OutputFormat) throws {
        let every = DeepZoomPlanner(settings: ProtocolSettings(formats: Set(OutputFormat.allCases)))
        let none = DeepZoomPlanner(settings: ProtocolSettings(formats: [.jpeg, .png]))
        for (planner, writable) in [(every, true), (none, false)] {
            let request = DeepZoomRequest.tile(path: "a.tif", level: 10, x: 0, y: 0, format: extensionName)
            guard case .tile(let tile) = try planner.plan(request, image: Self.image) else {
                Issue.record("not a tile")
                return
            }
            let wanted = writable || expected == .png ? expected : .jpeg
            #expect(tile.rendering.format == wanted, "\(extensionName), every format: \(writable)")
        }
    }

    // AVIF and JPEG XL: CVT names them, QLT below -1 counts as -1 (lossless), their variables set the default.
    @Test func avifAndJPEGXLExportsAndQualities() throws {
        let settings = ProtocolSettings(
            formats: Set(OutputFormat.allCases), qualities: OutputQualities(avif: 40, jxl: 85))
        let planner = ProtocolPlanner(settings: settings)
        let reader = RequestReader(settings: settings)
        func plan(_ query: String) throws(ProtocolError) -> ImagePlan {
            let request = ServerRequest(query: query)
            guard case .request(let call) = try reader.read(request) else { throw .badRequest("not a request") }
            return try planner.plan(call, request: request) { _ in Self.image }.plan
        }
        for (query, format, quality, name) in [
            ("FIF=a.tif&WID=100&CVT=jxl", OutputFormat.jxl, 85, "a_100x70.jxl"),
            ("FIF=a.tif&WID=100&QLT=-9&CVT=JXL", .jxl, -1, "a_100x70.jxl"),
            ("FIF=a.tif&WID=100&CVT=avif", .avif, 40, "a_100x70.avif"),
            ("FIF=a.tif&WID=100&QLT=-3&CVT=avif", .avif, -1, "a_100x70.avif"),
            ("FIF=a.tif&WID=100&QLT=0&CVT=avif", .avif, 0, "a_100x70.avif"),
            ("FIF=a.tif&WID=100&QLT=300&CVT=jxl", .jxl, 100, "a_100x70.jxl"),
        ] {
            guard case .region(let region) = try plan(query) else {
                Issue.record("not a region: \(query)")
                continue
            }
            #expect(region.rendering.format == format && region.rendering.quality == quality, "\(query)")
            #expect(region.delivery.fileName == name, "\(query)")
        }
        guard case .tile(let tile) = try plan("FIF=a.tif&QLT=-1&ATL=1,0") else {
            Issue.record("not a tile")
            return
        }
        #expect(tile.rendering.format == .avif && tile.rendering.quality == -1)
        // info.json lists exactly the formats written beyond jpg and png, AVIF and JPEG XL among them.
        #expect(settings.iiifInfo.formats == ["tif", "webp", "avif", "jxl", "gif", "jp2", "pdf"])
        #expect(ProtocolSettings(formats: [.jpeg, .png, .jxl]).iiifInfo.formats == ["jxl"])
    }

    @Test func zoomifyPropertiesAndTiles() throws {
        let planner = ZoomifyPlanner(settings: Self.settings)
        guard case .document(let properties) = try planner.plan(.properties(path: "a.tif"), image: Self.image),
            case .text(let xml) = properties.body
        else {
            Issue.record("no properties")
            return
        }
        #expect(xml.contains("WIDTH=\"1000\""))
        guard case .tile(let tile) = try planner.plan(.tile(path: "a.tif", level: 0, x: 0, y: 0), image: Self.image)
        else {
            Issue.record("not a tile")
            return
        }
        #expect(tile.resolution == 0 && tile.tile == 0 && tile.rendering.format == .jpeg)
        #expect(
            status { () throws(ProtocolError) in
                _ = try planner.plan(.tile(path: "a.tif", level: 9, x: 0, y: 0), image: Self.image)
            } == 404)
    }
}
