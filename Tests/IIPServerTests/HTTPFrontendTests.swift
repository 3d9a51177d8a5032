import Foundation
import IIPImaging
import IIPPipeline
import IIPProtocol
import IIPTestSupport
import Testing

/// The HTTP frontend end to end, over real sockets, against an in-process server.
@Suite("HTTP frontend")
struct HTTPFrontendTests {
    init() throws { try StandardFixtures.prepare() }

    @Test func healthAnswers200() async throws {
        try await TestServer.with { server in
            let response = try await server.get("/health")
            #expect(response.status == 200)
            #expect(response.text == "OK\n")
        }
    }

    // iipsrv-reference §3.1, §10: OBJ lines, CR LF endings and the header set.
    @Test func objectsAnswerLinesWithIIPHeaders() async throws {
        try await TestServer.with { server in
            let response = try await server.get(
                "/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&OBJ=IIP,1.0&OBJ=Max-size&obj=tile-size&obj=Resolution-number"
            )
            #expect(response.status == 200)
            #expect(response.text == "IIP:1.0\r\nMax-size:1013 677\r\nTile-size:256 256\r\nResolution-number:3\r\n")
            #expect(response.header("Content-Type") == "application/vnd.netfpx")
            #expect(response.header("Server")?.hasPrefix("iipsrv-async/") == true)
            #expect(response.header("X-Powered-By") == "IIPImage")
            #expect(response.header("Cache-Control") == "max-age=86400")
            let status = try #require(FileStatus.of(Fixtures.path("rgb-jpeg-odd.tif")))
            #expect(response.header("Last-Modified") == HTTPDate.format(status.modifiedSeconds))
        }
    }

    @Test(arguments: ["/fcgi-bin/iipsrv.fcgi", "/iipsrv", "/", "/any/where/at/all"])
    func iipWorksAtAnyPath(path: String) async throws {
        try await TestServer.with { server in
            let response = try await server.get("\(path)?FIF=grey-lzw.tif&OBJ=Max-size")
            #expect(response.status == 200)
            #expect(response.text == "Max-size:777 555\r\n")
        }
    }

    // iipsrv-reference §3.2: tiles are cropped at the edges, never padded.
    @Test func tilesAreJPEGsOfTheirCroppedSize() async throws {
        try await TestServer.with { server in
            // 1013x677 with 256 tiles: 4 columns, 3 rows; the last is 245x165.
            let response = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=2,11")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "image/jpeg")
            #expect(response.header("Content-Length") == "\(response.body.count)")
            let pixels = try ImageComparison.decodeJPEG(response.body)
            #expect(pixels.width == 245 && pixels.height == 165)
            let first = try ImageComparison.decodeJPEG(try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=2,0").body)
            #expect(first.width == 256 && first.height == 256)
        }
    }

    // iipsrv-reference §8.4: If-Modified-Since.
    @Test func ifModifiedSinceAnswers304() async throws {
        try await TestServer.with { server in
            let first = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=0,0")
            let lastModified = try #require(first.header("Last-Modified"))
            let cached = try await server.get(
                "/?FIF=rgb-jpeg-odd.tif&JTL=0,0", headers: [("If-Modified-Since", lastModified)])
            #expect(cached.status == 304)
            #expect(cached.body.isEmpty)
            #expect(cached.header("Last-Modified") == lastModified)
            let old = try await server.get(
                "/?FIF=rgb-jpeg-odd.tif&JTL=0,0", headers: [("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")])
            #expect(old.status == 200)
            #expect(old.body == first.body)
            let garbage = try await server.get(
                "/?FIF=rgb-jpeg-odd.tif&JTL=0,0", headers: [("If-Modified-Since", "yesterday")])
            #expect(garbage.status == 200)
        }
    }

    @Test func headSendsHeadersWithoutBody() async throws {
        try await TestServer.with { server in
            let get = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=1,1")
            let head = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=1,1", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("Content-Length") == "\(get.body.count)")
            #expect(head.header("Content-Type") == "image/jpeg")
        }
    }

    // iipsrv-reference §9.5.
    @Test func corsAndCacheControlFollowTheConfiguration() async throws {
        let configuration = TestServer.configuration {
            $0.cors = "*"
            $0.cacheControl = "public, max-age=60"
        }
        try await TestServer.with(configuration) { server in
            let response = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=0,0")
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            #expect(response.header("Access-Control-Allow-Methods") == "GET, POST, OPTIONS")
            #expect(response.header("Cache-Control") == "public, max-age=60")
            let preflight = try await server.get("/?FIF=x", method: "OPTIONS")
            #expect(preflight.status == 204)
            #expect(preflight.header("Access-Control-Allow-Origin") == "*")
        }
        try await TestServer.with { server in
            let response = try await server.get("/?FIF=rgb-jpeg-odd.tif&JTL=0,0")
            #expect(response.header("Access-Control-Allow-Origin") == nil)
        }
    }

    // iipsrv-reference §1.2: a form-encoded POST body is the request string.
    @Test func postBodyIsTheRequestString() async throws {
        try await TestServer.with { server in
            let response = try await TestHTTPClient.get(
                port: server.port, "/fcgi-bin/iipsrv.fcgi", method: "POST",
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("FIF=grey-lzw.tif&OBJ=Max-size".utf8))
            #expect(response.status == 200)
            #expect(response.text == "Max-size:777 555\r\n")
        }
    }

    // iipsrv-reference §11.3.
    @Test func otherMethodsGet405() async throws {
        try await TestServer.with { server in
            let response = try await server.get("/?FIF=grey-lzw.tif&OBJ=Max-size", method: "PUT")
            #expect(response.status == 405)
            #expect(response.header("Allow")?.contains("GET") == true)
        }
    }

    // iipsrv-reference §5: CVT with WID/HEI, MAX_CVT, Content-Disposition.
    @Test func exportsHaveTheRequestedSize() async throws {
        try await TestServer.with(TestServer.configuration { $0.maxCVT = 300 }) { server in
            let response = try await server.get("/?FIF=rgb-jpeg-odd.tif&WID=200&CVT=jpeg")
            #expect(response.status == 200)
            let pixels = try ImageComparison.decodeJPEG(response.body)
            #expect(pixels.width == 200 && pixels.height == 134)
            #expect(response.header("Content-Disposition") == "inline; filename=\"rgb-jpeg-odd_200x134.jpg\"")
            let region = try ImageComparison.decodeJPEG(
                try await server.get("/?FIF=rgb-jpeg-odd.tif&HEI=100&RGN=0.5,0.5,0.5,0.5&CVT=jpeg").body)
            #expect(region.height == 100 && region.width == 150)
            let capped = try ImageComparison.decodeJPEG(
                try await server.get("/?FIF=rgb-jpeg-odd.tif&WID=5000&CVT=jpeg").body)
            #expect(capped.width == 300 && capped.height == 200)
        }
    }

    // iipsrv-reference §1.4: setters after the output command have no effect.
    @Test func commandsRunLeftToRight() async throws {
        try await TestServer.with { server in
            let late = try ImageComparison.decodeJPEG(try await server.get("/?FIF=grey-lzw.tif&CVT=jpeg&WID=100").body)
            #expect(late.width == 777)
            let early = try ImageComparison.decodeJPEG(try await server.get("/?WID=100&FIF=grey-lzw.tif&CVT=jpeg").body)
            #expect(early.width == 100)
        }
    }

    // iipsrv-reference §3.4: TIL records, column-major.
    @Test func tileRangesAreFlashPixRecords() async throws {
        try await TestServer.with { server in
            let response = try await server.get("/?FIF=rgb-jpeg-odd.tif&TIL=2,0-5")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/vnd.netfpx")
            var index = 0
            var tiles: [Int] = []
            let body = response.body
            while index < body.count {
                let colon = try #require(body[index...].firstIndex(of: UInt8(ascii: ":")))
                let label = String(decoding: body[index..<colon], as: UTF8.self)
                let parts = label.split(separator: "/")
                let length = try #require(Int(parts[1]))
                let fields = parts[0].split(separator: ",")
                #expect(fields[0] == "Tile" && fields[1] == "2")
                tiles.append(try #require(Int(fields[2])))
                #expect(Array(body[(colon + 1)..<(colon + 9)]) == [2, 0, 0, 0, 0, 0x11, 0, 0])
                #expect(Array(body[(colon + 9)..<(colon + 11)]) == [0xFF, 0xD8])
                index = colon + 1 + length + 2
            }
            // Tiles 0..5 of a 4-column grid: columns 0-1, rows 0-1, column by column.
            #expect(tiles == [0, 4, 1, 5])
        }
    }

    @Test func sixteenBitImagesServeEightBitTiles() async throws {
        try await TestServer.with { server in
            let grey = try ImageComparison.decodeJPEG(try await server.get("/?FIF=grey16-lzw-512.tif&JTL=1,0").body)
            #expect(grey.channels == 1 && grey.width == 512 && grey.height == 350)
            let rgb = try ImageComparison.decodeJPEG(try await server.get("/?FIF=rgb16-deflate.tif&JTL=2,0").body)
            #expect(rgb.channels == 3 && rgb.width == 256)
            let bits = try await server.get("/?FIF=rgb16-deflate.tif&OBJ=bits-per-channel")
            #expect(bits.text == "Bits-per-channel:16\r\n")
        }
    }

    @Test func subIFDAndMixedTilePyramidsServeEveryLevel() async throws {
        try await TestServer.with { server in
            let levels = try await server.get("/?FIF=rgb-subifd.tif&OBJ=Resolutions")
            #expect(levels.text == "Resolutions:150 100,300 200,600 400,1200 800\r\n")
            let mixed = try await server.get("/?FIF=rgb-mixed-tiles.tif&OBJ=Resolutions&OBJ=Tile-size")
            #expect(mixed.text == "Resolutions:150 112,300 225,600 450,1200 900\r\nTile-size:512 512\r\n")
            // Resolution 2 (600x450) is tiled at 256: tile 2 is the right edge column, 88 wide.
            let edge = try ImageComparison.decodeJPEG(try await server.get("/?FIF=rgb-mixed-tiles.tif&JTL=2,2").body)
            #expect(edge.width == 88 && edge.height == 256)
            // Resolution 1 (300x225) is tiled at 128: tile 5 is the bottom-right corner, 44x97.
            let small = try ImageComparison.decodeJPEG(try await server.get("/?FIF=rgb-mixed-tiles.tif&JTL=1,5").body)
            #expect(small.width == 44 && small.height == 97)
        }
    }

    @Test func metadataObjectsAnswerFieldsAndDensity() async throws {
        try await TestServer.with { server in
            let legacy = try await server.get("/?FIF=rgb-metadata.tif&OBJ=copyright&OBJ=author")
            #expect(legacy.text == "copyright/14:(c) Test Owner\r\nauthor/10:A. Painter\r\n")
            let bare = try await server.get("/?FIF=rgb-metadata.tif&OBJ=rights")
            #expect(bare.text == "(c) Test Owner\r\n")
            #expect(bare.header("Content-Type") == "text/plain")
            let dpi = try await server.get("/?FIF=rgb-metadata.tif&OBJ=dpi")
            #expect(dpi.text == "DPI:11811.023622 11811.023622\r\n")
        }
    }

    // iipsrv-reference §8.1-8.2: a file changed on disk is never served stale.
    @Test func aChangedFileIsNoticed() async throws {
        let name = "changing-\(UUID().uuidString).tif"
        let first = try Fixtures.make(FixtureSpec(name, width: 300, height: 200))
        try await TestServer.with(TestServer.configuration { $0.fileCheckInterval = 0 }) { server in
            let before = try await server.get("/?FIF=\(first)&OBJ=Max-size")
            #expect(before.text == "Max-size:300 200\r\n")
            _ = try await server.get("/?FIF=\(first)&JTL=0,0")
            let infoBefore = try await server.get("/iiif/\(first)/info.json")
            #expect(infoBefore.text.contains("\"width\" : 300"))
            var writer = PyramidTIFFWriter()
            writer.compression = .deflate
            let replacement = Fixtures.path(name) + ".new"
            try writer.write(TestPattern.render(width: 420, height: 100, channels: 1, seed: 7), to: replacement)
            // Make sure the modification time differs even on coarse filesystems.
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: 10)], ofItemAtPath: replacement)
            #expect(rename(replacement, Fixtures.path(name)) == 0)
            let after = try await server.get("/?FIF=\(first)&OBJ=Max-size")
            #expect(after.text == "Max-size:420 100\r\n")
            // info.json bodies are memoised per open image: the new file gets a new one.
            let infoAfter = try await server.get("/iiif/\(first)/info.json")
            #expect(infoAfter.text.contains("\"width\" : 420") && infoAfter.text.contains("\"height\" : 100"))
            let tile = try ImageComparison.decodeJPEG(try await server.get("/?FIF=\(first)&JTL=1,0").body)
            #expect(tile.channels == 1 && tile.width == 256 && tile.height == 100)
        }
    }

    /// An empty request shows iipsrv's landing page; at `/` only with VIEWER=0, since `/` is the viewer page.
    @Test(arguments: [("/fcgi-bin/iipsrv.fcgi", true), ("/", false)])
    func emptyRequestShowsTheLandingPage(path: String, viewer: Bool) async throws {
        try await TestServer.with(TestServer.configuration { $0.viewer = viewer }) { server in
            let response = try await server.get(path)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html")
            #expect(response.text.contains("IIPImage"))
        }
    }
}
