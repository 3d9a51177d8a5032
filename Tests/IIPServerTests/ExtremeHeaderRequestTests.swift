import Foundation
import IIPTestSupport
import Testing

/// Issue 8, item 3: pyramid TIFFs whose headers claim extreme sizes, tile sizes, level counts, bits or samples are
/// refused with a 4xx by the real server, over HTTP and FastCGI, before anything is allocated for them (the
/// process's peak memory stays small), and the server keeps serving.
@Suite("Extreme image headers through the server", .serialized)
struct ExtremeHeaderRequestTests {
    /// Width and height, tile width and height, each at 0, 1, 2^31-1 and 2^32-1.
    static let longExtremes: [UInt32] = [0, 1, 2_147_483_647, 4_294_967_295]
    /// Bits per sample and samples per pixel.
    static let shortExtremes: [UInt16] = [0, 1, 65535]

    /// Writes every hostile file; returns their names and whether each must be refused (some extremes, such as a
    /// 1-pixel image, are legal and must be served).
    static func writeFiles() throws -> [(name: String, refused: Bool)] {
        var files: [(String, Bool)] = []
        func write(_ name: String, _ directories: [HandmadeTIFF.Directory], refused: Bool) throws {
            let file = try HandmadeTIFF(directories: directories).write("hdr-\(name).tif", in: Fixtures.directory)
            files.append((URL(fileURLWithPath: file).lastPathComponent, refused))
        }
        for value in longExtremes {
            let legal = value == 1
            try write(
                "width-\(value)",
                [HandmadeTIFF.tiled(width: value, height: 64, tileWidth: 16, tileHeight: 16)], refused: !legal)
            try write(
                "height-\(value)",
                [HandmadeTIFF.tiled(width: 64, height: value, tileWidth: 16, tileHeight: 16)], refused: !legal)
            // A 1-pixel tile is odd (TIFF asks for multiples of 16) but harmless: libtiff reads it, and so do we.
            try write(
                "tilewidth-\(value)",
                [HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: value, tileHeight: 16)], refused: !legal)
            try write(
                "tileheight-\(value)",
                [HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 16, tileHeight: value)], refused: !legal)
            try write(
                "size-\(value)",
                [HandmadeTIFF.tiled(width: value, height: value, tileWidth: 16, tileHeight: 16)], refused: !legal)
        }
        for value in shortExtremes {
            try write(
                "bits-\(value)",
                [HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 16, tileHeight: 16, bitsPerSample: value)],
                refused: value != 1)
            try write(
                "samples-\(value)",
                [HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 16, tileHeight: 16, samplesPerPixel: value)],
                refused: value != 1)
        }
        // 120 levels: more than the 64 allowed.
        let levels = (0..<120).map {
            HandmadeTIFF.tiled(width: UInt32(300 - $0), height: UInt32(300 - $0), tileWidth: 16, tileHeight: 16)
        }
        try write("levels-120", levels, refused: true)
        // Directory chains that loop back on themselves (IFD 1 points to IFD 0).
        var first = HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 16, tileHeight: 16)
        var second = HandmadeTIFF.tiled(width: 32, height: 32, tileWidth: 16, tileHeight: 16)
        second.next = .directory(0)
        first.next = .following
        try write("ifd-loop", [first, second], refused: false)
        return files
    }

    /// The requests each file gets: metadata, tiles and exports in every protocol.
    static func targets(_ name: String) -> [String] {
        [
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=0,0",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&WID=100&CVT=jpeg",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&TIL=0,0-3",
            "/iiif/\(name)/info.json",
            "/iiif/\(name)/full/max/0/default.jpg",
            "/iiif/\(name)/0,0,16,16/max/0/default.png",
            "/deepzoom/\(name).dzi",
            "/deepzoom/\(name)_files/0/0_0.jpg",
            "/zoomify/\(name)/ImageProperties.xml",
            "/zoomify/\(name)/TileGroup0/0-0-0.jpg",
        ]
    }

    @Test func hostileHeadersAreRefusedAndNothingIsAllocatedForThem() async throws {
        try StandardFixtures.prepare()
        let files = try Self.writeFiles()
        let folder = try TestEnvironment.temporaryFolder("extreme-headers")
        let httpPort = try TestEnvironment.freePort()
        let fastCGIPort = try TestEnvironment.freePort()
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable,
            ["--http", "127.0.0.1:\(httpPort)", "--fcgi", "127.0.0.1:\(fastCGIPort)"],
            environment: ["FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": "stderr", "VERBOSITY": "1"],
            logDirectory: folder)
        defer { Task { await server.stop() } }
        try await TestEnvironment.waitForPort(httpPort, of: server)
        let nginx = try await NginxFrontend.start(upstream: .tcp(port: fastCGIPort))
        defer { Task { await nginx.stop() } }

        var requests = 0
        for (name, refused) in files {
            for target in Self.targets(name) {
                for port in [httpPort, nginx.port] {
                    let response = try await TestHTTPClient.get(port: port, target)
                    requests += 1
                    #expect(response.status < 500, "\(response.status) for \(target)")
                    if refused && target.contains("OBJ=") {
                        #expect(
                            (400..<500).contains(response.status),
                            "\(name) was not refused: \(response.status) \(response.text.prefix(200))")
                    }
                    if !refused && target.contains("OBJ=") {
                        #expect(response.status == 200, "\(name) should be served: \(response.status)")
                    }
                    guard server.isRunning else {
                        Issue.record("the server died on \(target): \(server.output.suffix(2000))")
                        return
                    }
                }
            }
        }
        print("extreme headers: \(files.count) files, \(requests) requests")
        // Nothing was allocated for the claimed sizes: the process's peak resident memory stays small.
        let peak = Self.peakResidentKilobytes(pid: server.pid)
        #expect(peak != nil && peak! < 400_000, "peak RSS \(peak.map(String.init) ?? "?") kB")
        let tile = try await TestHTTPClient.get(port: httpPort, "/?FIF=grey-lzw.tif&JTL=0,0")
        #expect(tile.status == 200)
    }

    /// VmHWM of a process, in kilobytes.
    static func peakResidentKilobytes(pid: pid_t) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }
}
