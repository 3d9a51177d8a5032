import Foundation
import IIPTestSupport
import Testing

/// Issue 14, item 2: damaged files, written from real fixtures (libtiff, OpenJPEG, libjpeg-turbo) and broken here
/// with a seeded generator: truncated at many lengths, bit-flipped in their headers and bodies, random bytes behind
/// a valid signature, and SubIFD chains that loop. The real executable answers every request for them below 500
/// over HTTP and FastCGI, the broken ones that cannot be read with a 4xx, its peak memory stays bounded, and it
/// keeps serving. (Headers that claim huge sizes, tiles or level counts are ``ExtremeHeaderRequestTests``'.)
@Suite("Hostile files through the server", .serialized)
struct HostileFileTests {
    /// The real files the damaged ones come from: JPEG, LZW and deflate TIFF, BigTIFF, SubIFDs, tiled JP2, JPEG.
    static func sources() throws -> [String] {
        try StandardFixtures.prepare()
        let jp2 = try JPEG2000Fixtures.make(
            JPEG2000Fixtures.Spec("hostile-base.jp2", width: 600, height: 400).with {
                $0.tileSize = 256
                $0.resolutions = 4
            })
        let jpeg = try JPEGFixtures.make(JPEGFixtures.Spec("hostile-base.jpg", width: 600, height: 400))
        return [
            "rgb-jpeg-odd.tif", "grey-lzw.tif", "rgb16-deflate.tif", "bigtiff-jpeg.tif", "rgb-subifd.tif", jp2, jpeg,
        ]
    }

    /// A damaged copy and whether it must be refused (a 4xx for its metadata), or may be served as far as it reads.
    struct Damaged {
        var name: String
        var refused: Bool
    }

    /// Writes the damaged copies of every source.
    static func writeDamaged() throws -> [Damaged] {
        var random = TestPattern.Generator(seed: Fixtures.seed(for: "hostile-files"))
        var damaged: [Damaged] = []
        func write(_ bytes: [UInt8], _ name: String, refused: Bool) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: Fixtures.path(name)))
            damaged.append(Damaged(name: name, refused: refused))
        }
        for source in try sources() {
            let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Fixtures.path(source))))
            let stem = "hostile-" + source.replacingOccurrences(of: ".", with: "-")
            let ext = (source as NSString).pathExtension
            // Truncated: nothing, the signature only, inside the header, and at fractions of the file.
            for length in [0, 4, 12, 100] {
                try write(Array(bytes.prefix(length)), "\(stem)-cut\(length).\(ext)", refused: true)
            }
            for percent in [10, 50, 90, 99] {
                let cut = Array(bytes.prefix(bytes.count * percent / 100))
                try write(cut, "\(stem)-cut\(percent)pc.\(ext)", refused: false)
            }
            // Bit flips: a few in the first kilobyte (headers, directories, markers), or many anywhere.
            for variant in 0..<8 {
                var copy = bytes
                let (count, span) = variant < 4 ? (1 + variant, min(1024, copy.count)) : (16 * variant, copy.count)
                for _ in 0..<count {
                    let index = Int.random(in: 0..<span, using: &random)
                    copy[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                }
                try write(copy, "\(stem)-flip\(variant).\(ext)", refused: false)
            }
            // Random bytes behind the first 16 bytes of the real file (its signature and first header fields).
            for variant in 0..<2 {
                let length = variant == 0 ? 4096 : bytes.count
                let noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                try write(Array(bytes.prefix(16)) + noise, "\(stem)-random\(variant).\(ext)", refused: false)
            }
        }
        // SubIFD chains that loop: onto the directory itself, and between two directories.
        var own = HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 16, tileHeight: 16)
        own.entries.append((330, .directories([0])))
        own.next = .end
        try write(HandmadeTIFF(directories: [own]).bytes(), "hostile-subifd-self.tif", refused: false)
        var first = HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 16, tileHeight: 16)
        var second = HandmadeTIFF.tiled(width: 32, height: 32, tileWidth: 16, tileHeight: 16, subfileType: 1)
        first.entries.append((330, .directories([1])))
        second.entries.append((330, .directories([0])))
        first.next = .end
        second.next = .directory(0)
        try write(HandmadeTIFF(directories: [first, second]).bytes(), "hostile-subifd-pair.tif", refused: false)
        return damaged
    }

    /// What each file gets: its metadata, a tile at the smallest and the largest resolution, and an export.
    static func targets(_ name: String) -> [String] {
        [
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&OBJ=IIP,1.0&OBJ=Max-size&OBJ=Resolution-number",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=0,0",
            "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=9,3",
            "/iiif/\(name)/full/120,/0/default.jpg",
        ]
    }

    @Test func damagedFilesAreAnsweredBelowFiveHundredAndTheServerKeepsServing() async throws {
        let files = try Self.writeDamaged()
        let folder = try TestEnvironment.temporaryFolder("hostile-files")
        let instance = try await ClusterInstance.start(
            name: "hostile-files",
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": "stderr", "VERBOSITY": "1",
                "MEMCACHED_SERVERS": "",
            ], folder: folder)
        defer { Task { await instance.process.stop() } }
        let nginx = try await NginxFrontend.start(upstream: instance.upstream)
        defer { Task { await nginx.stop() } }

        var statuses: [Int: Int] = [:]
        var refusedFiles = 0
        for file in files {
            for (index, target) in Self.targets(file.name).enumerated() {
                // Every request over HTTP; metadata also through nginx (the same pipeline behind another frontend).
                var answers = [("http", try await instance.get(target))]
                if index == 0 { answers.append(("fastcgi", try await nginx.get(target))) }
                for (frontend, response) in answers {
                    statuses[response.status, default: 0] += 1
                    #expect(response.status < 500, "\(frontend) \(response.status) for \(target)")
                    if index == 0 && file.refused {
                        #expect((400..<500).contains(response.status), "\(file.name) was served: \(response.status)")
                    }
                    if index == 0 && response.status >= 400 { refusedFiles += 1 }
                }
                guard instance.process.isRunning else {
                    Issue.record("the server died on \(target): \(instance.process.output.suffix(2000))")
                    return
                }
            }
        }
        print("hostile files: \(files.count) files, statuses \(statuses.sorted { $0.key < $1.key })")
        print("hostile files: \(refusedFiles / 2) files refused at their metadata, the rest served as far as they read")
        // Bounded memory: nothing was allocated for what the damaged headers claim.
        let peak = ExtremeHeaderRequestTests.peakResidentKilobytes(pid: instance.process.pid)
        print("hostile files: peak RSS \(peak.map(String.init) ?? "?") kB")
        #expect(peak != nil && peak! < 400_000, "peak RSS \(peak.map(String.init) ?? "?") kB")
        let tile = try await instance.get("/?FIF=grey-lzw.tif&JTL=0,0")
        #expect(tile.status == 200)
        let through = try await nginx.get("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&JTL=1,0")
        #expect(through.status == 200)
    }
}
