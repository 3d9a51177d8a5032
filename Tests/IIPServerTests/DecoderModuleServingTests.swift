import FastCGI
import Foundation
import IIPImaging
import IIPPipeline
import IIPTestSupport
import Testing

/// Decoder modules (DECODER_MODULES) in a running server: the example PGM/PPM module, compiled by the test with `cc`,
/// serves through IIP, IIIF, DeepZoom and Zoomify over both frontends; broken modules are refused at start-up with
/// one log line each, and a module that fails on a file costs that request a 4xx, never the server.
@Suite("Decoder modules", .serialized)
struct DecoderModuleServingTests {
    /// A picture written as PGM or PPM for a module to read.
    struct Picture: Sendable, CustomStringConvertible {
        var name: String
        var width: Int
        var height: Int
        var channels = 3
        var tileSide = 256
        var description: String { name }
    }

    static let rgb = Picture(name: "served-rgb.ppm", width: 700, height: 500)
    static let grey = Picture(name: "served-grey.pgm", width: 600, height: 420, channels: 1)
    /// Read by the module build without read_region, in 128-pixel tiles.
    static let tiled = Picture(name: "served-tiled.tppm", width: 650, height: 470, tileSide: 128)

    /// A test configuration whose DECODER_MODULES names `builds` (and `extra` paths after them).
    static func configuration(_ builds: [DecoderModuleFixtures.Build], extra: [String] = []) throws
        -> ServerConfiguration
    {
        let paths = try builds.map { try DecoderModuleFixtures.make($0) } + extra
        return TestServer.configuration { $0.decoderModules = paths.joined(separator: ", ") }
    }

    /// One request per protocol and kind of answer.
    static func requests(_ name: String) -> [String] {
        [
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=0,0",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=2,1",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&WID=300&RGN=0.1,0.2,0.5,0.5&CVT=jpeg",
            "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/info.json",
            "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/0,0,512,400/256,/0/default.jpg",
            "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/full/200,/0/gray.png",
            "/fcgi-bin/iipsrv.fcgi?DeepZoom=\(name).dzi",
            "/fcgi-bin/iipsrv.fcgi?DeepZoom=\(name)_files/9/0_0.jpg",
            "/fcgi-bin/iipsrv.fcgi?Zoomify=\(name)/ImageProperties.xml",
            "/fcgi-bin/iipsrv.fcgi?Zoomify=\(name)/TileGroup0/1-1-0.jpg",
        ]
    }

    @Test(arguments: [rgb, grey, tiled])
    func everyProtocolThroughBothFrontends(picture: Picture) async throws {
        let pixels = try DecoderModuleFixtures.picture(
            picture.name, width: picture.width, height: picture.height, channels: picture.channels)
        var configuration = try Self.configuration([DecoderModuleFixtures.reader, DecoderModuleFixtures.tilesOnly])
        configuration.jpegQuality = 100
        try await TestServer.withNginx(configuration) { server, nginx in
            try await server.expectSameAnswers(through: nginx, Self.requests(picture.name))
            let object = try await server.get("/?FIF=\(picture.name)&OBJ=Max-size&OBJ=Tile-size")
            #expect(object.text.contains("Max-size:\(picture.width) \(picture.height)"), "\(object.text)")
            #expect(object.text.contains("Tile-size:\(picture.tileSide) \(picture.tileSide)"), "\(object.text)")
            let info = try await server.get("/iiif/\(picture.name)/info.json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(info.body)) as? [String: Any])
            #expect(json["width"] as? Int == picture.width && json["height"] as? Int == picture.height)

            // The pixels are the file's: a full-resolution tile, and a region export (read by the module in one
            // call, or composed from its tiles), within JPEG error at quality 100 (54-63 dB of luma PSNR measured;
            // the same picture two pixels off scores at most 48).
            let levels = try #require(try await Self.resolutionCount(of: picture.name, on: server))
            let tile = try ImageComparison.decodeJPEG(
                try await server.get("/?FIF=\(picture.name)&JTL=\(levels - 1),1").body)
            let expectedTile = pixels.cropped(
                x: picture.tileSide, y: 0, width: picture.tileSide, height: picture.tileSide)
            #expect(tile.width == expectedTile.width && tile.height == expectedTile.height)
            if tile.bytes.count == expectedTile.bytes.count {
                #expect(ImageComparison.lumaPSNR(tile, expectedTile) > 50)
            }
            let region = try ImageComparison.decodeJPEG(
                try await server.get("/iiif/\(picture.name)/100,60,300,200/max/0/default.jpg").body)
            let expectedRegion = pixels.cropped(x: 100, y: 60, width: 300, height: 200)
            #expect(region.width == 300 && region.height == 200)
            if region.bytes.count == expectedRegion.bytes.count {
                #expect(ImageComparison.lumaPSNR(region, expectedRegion) > 50)
            }
        }
    }

    /// The number of resolutions the server reports for `name`.
    static func resolutionCount(of name: String, on server: TestServer) async throws -> Int? {
        let answer = try await server.get("/?FIF=\(name)&OBJ=Resolution-number")
        return answer.text.split(separator: ":").last.flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    // The bad files: each broken module or file answers its 4xx, the good module keeps serving, and nothing
    // answers 5xx or shows the filesystem path.
    @Test func brokenModulesAndFilesCostOneRequestNotTheServer() async throws {
        let builds = [
            DecoderModuleFixtures.reader, DecoderModuleFixtures.wrongVersion, DecoderModuleFixtures.noEntry,
            DecoderModuleFixtures.sameExtension, DecoderModuleFixtures.failsOpen, DecoderModuleFixtures.nullHandle,
            DecoderModuleFixtures.hugeClaim, DecoderModuleFixtures.failsReads,
        ]
        let notALibrary = Fixtures.path(try Fixtures.makeText("served-not-a-library.so", contents: "no ELF here"))
        let configuration = try Self.configuration(
            builds, extra: [DecoderModuleFixtures.directory + "/missing.so", notALibrary])
        for name in [
            "served-good.ppm", "served-refused.failppm", "served-null.nullppm", "served-huge.hugeppm",
            "served-unreadable.readfailppm", "served-old-abi.abippm",
        ] {
            try DecoderModuleFixtures.picture(name, width: 300, height: 200)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("served-good.ppm")))
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: Fixtures.path("served-cut.ppm")))
        try await TestServer.withNginx(configuration) { server, nginx in
            let expected: [(query: String, status: Int)] = [
                ("FIF=served-refused.failppm&OBJ=Max-size", 404),
                ("FIF=served-refused.failppm&JTL=0,0", 404),
                ("IIIF=served-refused.failppm/info.json", 404),
                ("FIF=served-null.nullppm&JTL=0,0", 404),
                ("FIF=served-huge.hugeppm&OBJ=Max-size", 404),
                ("DeepZoom=served-huge.hugeppm.dzi", 404),
                ("FIF=served-unreadable.readfailppm&OBJ=Max-size", 200),
                ("FIF=served-unreadable.readfailppm&JTL=1,0", 404),
                ("FIF=served-unreadable.readfailppm&WID=100&CVT=jpeg", 404),
                ("Zoomify=served-unreadable.readfailppm/TileGroup0/0-0-0.jpg", 404),
                ("FIF=served-cut.ppm&JTL=0,0", 404),
                // The refused module's extension is nobody's: the server's own readers do not know the file.
                ("FIF=served-old-abi.abippm&OBJ=Max-size", 400),
                ("FIF=served-good.ppm&JTL=1,0", 200),
            ]
            for (query, status) in expected {
                for answer in [
                    try await server.get("/?\(query)"), try await nginx.get("/fcgi-bin/iipsrv.fcgi?\(query)"),
                ] {
                    #expect(answer.status == status, "\(query): \(answer.status) \(answer.text.prefix(200))")
                    #expect(!answer.text.contains(Fixtures.directory), "\(query) shows the path: \(answer.text)")
                }
            }
            let refused = try await server.get("/?FIF=served-refused.failppm&JTL=0,0")
            #expect(refused.text.contains("this test build refuses every file (the file)"), "\(refused.text)")
            let failedRead = try await server.get("/?FIF=served-unreadable.readfailppm&JTL=1,0")
            #expect(failedRead.text.contains("this test build fails every read"), "\(failedRead.text)")
            let healthy = try await server.get("/?FIF=served-good.ppm&JTL=0,0")
            #expect(healthy.status == 200)
        }
    }

    // At start-up, each module is loaded or refused with one log line, and the server starts either way.
    @Test func theBinaryLogsOneLinePerModuleAndStarts() async throws {
        let folder = try TestEnvironment.temporaryFolder("modules")
        let log = folder + "/iipsrv.log"
        let good = try DecoderModuleFixtures.make(DecoderModuleFixtures.reader)
        let refused = [
            try DecoderModuleFixtures.make(DecoderModuleFixtures.wrongVersion),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.noEntry),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.sameExtension),
            folder + "/missing.so",
        ]
        try DecoderModuleFixtures.picture("served-by-binary.ppm", width: 300, height: 200)
        let port = try TestEnvironment.freePort()
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(port)"],
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": log, "VERBOSITY": "1",
                "DECODER_MODULES": ([good] + refused).joined(separator: ","),
            ],
            logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: server)
        let tile = try await TestHTTPClient.get(port: port, "/?FIF=served-by-binary.ppm&JTL=1,0")
        #expect(tile.status == 200)
        await server.stop()
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("Decoder module ppm loaded from \(good) for .ppm, .pgm files") }.count == 1)
        for path in refused {
            let mentions = lines.filter { $0.contains("decoder module \(path) refused: ") }
            #expect(mentions.count == 1, "\(path): \(mentions)")
        }
        #expect(lines.contains { $0.contains("\(refused[0]) refused: it was built for ABI version 99") })
        #expect(lines.contains { $0.contains("\(refused[1]) refused: it does not export iipsrv_async_module_entry") })
        #expect(lines.contains { $0.contains("\(refused[2]) refused: .ppm files are already read by the module ppm") })
        #expect(lines.contains { $0.contains("\(refused[3]) refused: cannot load it: ") })
        let setting = lines.first { $0.contains("Setting DECODER_MODULES to ") }
        #expect(setting != nil && !(setting ?? "").contains("no effect"))
    }

    // DECODER_MODULE_CHECK: a module that crashes or hangs on a file is tried in a child process first, so the
    // file costs its requests a 404 and a log line, and the server goes on.
    @Test func aModuleThatCrashesOrHangsCostsOneImageNotTheServer() async throws {
        let folder = try TestEnvironment.temporaryFolder("module-check")
        let log = folder + "/iipsrv.log"
        let modules = [
            try DecoderModuleFixtures.make(DecoderModuleFixtures.reader),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.crashesOnOpen),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.hangsOnOpen),
        ]
        for name in ["checked.ppm", "checked.crashppm", "checked.hangppm"] {
            try DecoderModuleFixtures.picture(name, width: 300, height: 200)
        }
        let port = try TestEnvironment.freePort()
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(port)"],
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": log, "VERBOSITY": "1",
                "DECODER_MODULES": modules.joined(separator: ","), "DECODER_MODULE_CHECK": "2",
            ],
            logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: server)
        let crash = try await TestHTTPClient.get(port: port, "/?FIF=checked.crashppm&JTL=0,0")
        #expect(crash.status == 404, "\(crash.status): \(crash.text)")
        #expect(crash.text.contains("crashed on the file"), "\(crash.text)")
        let hang = try await TestHTTPClient.get(port: port, "/iiif/checked.hangppm/info.json")
        #expect(hang.status == 404, "\(hang.status): \(hang.text)")
        #expect(hang.text.contains("did not finish with the file"), "\(hang.text)")
        for target in ["/?FIF=checked.ppm&JTL=1,0", "/iiif/checked.ppm/full/max/0/default.jpg"] {
            let good = try await TestHTTPClient.get(port: port, target)
            #expect(good.status == 200, "\(target): \(good.status)")
        }
        let again = try await TestHTTPClient.get(port: port, "/?FIF=checked.crashppm&OBJ=Max-size")
        #expect(again.status == 404)
        await server.stop()
        // One error line per refused file, however many requests it got.
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.filter { $0.contains("checked.crashppm: the ppm decoder module crashed on the file") }.count == 1)
        #expect(lines.filter { $0.contains("checked.hangppm: the ppm decoder module did not finish") }.count == 1)
    }
}
