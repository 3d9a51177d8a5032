import Foundation
import IIPTestSupport
import Testing

/// Issue 14, items 2 and 8: faults under the real executable. A file truncated under an open handle (a read error
/// in the middle of a tile), files replaced and deleted while they are read, the pipeline and codec threads
/// saturated, and a log file on a full disk (`/dev/full`): each request gets a clear answer within a bounded time,
/// the fault gets a log line, and the server keeps serving.
@Suite("Fault injection", .serialized)
struct FaultInjectionTests {
    init() throws { try StandardFixtures.prepare() }

    /// A server on a private prefix holding copies of fixtures; `environment` is added.
    static func withServer(
        _ name: String, files: [String: String], environment: [String: String] = [:],
        _ body: (ClusterInstance, String) async throws -> Void
    ) async throws {
        let folder = try TestEnvironment.temporaryFolder(name)
        let prefix = folder + "/images/"
        try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: true)
        for (copy, fixture) in files {
            try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: prefix + copy)
        }
        var variables = [
            "FILESYSTEM_PREFIX": prefix, "LOGFILE": "stderr", "VERBOSITY": "1", "MEMCACHED_SERVERS": "",
            "MAX_IMAGE_CACHE_SIZE": "0", "MAX_DECODED_CACHE_SIZE": "0",
        ]
        variables.merge(environment) { $1 }
        let instance = try await ClusterInstance.start(name: name, environment: variables, folder: folder)
        do {
            try await body(instance, prefix)
        } catch {
            Issue.record(error)
        }
        #expect(instance.process.isRunning, "the server died: \(instance.process.output.suffix(2000))")
        let tile = try? await instance.get("/?FIF=\(files.keys.sorted()[0])&OBJ=Max-size")
        #expect(tile?.status != nil, "the server no longer answers")
        await instance.process.stop()
    }

    @Test func aFileTruncatedUnderAnOpenHandleGetsAClearAnswer() async throws {
        // Checked only once an hour: the server keeps reading the open handle of a file that lost its tiles.
        try await Self.withServer(
            "truncated-under", files: ["victim.tif": "rgb-deflate-512.tif", "good.tif": "grey-lzw.tif"],
            environment: ["FILE_CHECK_INTERVAL": "3600"]
        ) { instance, prefix in
            let info = try await instance.get("/?FIF=victim.tif&OBJ=Resolution-number&OBJ=Tile-size&OBJ=Max-size")
            #expect(info.status == 200)
            let levels = try #require(
                info.text.split(separator: "\r\n").first { $0.hasPrefix("Resolution-number:") }
                    .flatMap { Int($0.split(separator: ":")[1]) })
            let handle = try #require(FileHandle(forWritingAtPath: prefix + "victim.tif"))
            try handle.truncate(atOffset: 4096)
            try handle.close()
            // The largest level's tiles: their data is gone; each read fails in the middle and must say so.
            var statuses: [Int] = []
            for tile in 0..<9 {
                let response = try await instance.get("/?FIF=victim.tif&JTL=\(levels - 1),\(tile)")
                statuses.append(response.status)
                #expect(response.status < 500, "tile \(tile): \(response.status) \(response.text.prefix(200))")
            }
            print("truncated under the server: tile statuses \(statuses)")
            #expect(statuses.contains(404), "no read failed: \(statuses)")
            let export = try await instance.get("/?FIF=victim.tif&WID=800&CVT=jpeg")
            #expect((400..<500).contains(export.status), "export: \(export.status)")
            #expect(instance.process.output.contains("image error"), "no log line for the failed reads")
            #expect(try await instance.get("/?FIF=good.tif&JTL=0,0").status == 200)
        }
    }

    @Test func filesReplacedAndDeletedWhileReadAreNeverFiveHundreds() async throws {
        try await Self.withServer(
            "replaced",
            files: [
                "moving.tif": "rgb-deflate-512.tif", "a.tif": "rgb-deflate-512.tif",
                "b.tif": "rgb-jpeg-odd.tif",
            ],
            environment: ["FILE_CHECK_INTERVAL": "0"]
        ) { instance, prefix in
            let replacer = Task.detached {
                // Replaced by another image (rename over it, a new inode), truncated in place, deleted, restored.
                var round = 0
                while !Task.isCancelled {
                    let next = prefix + "next.tif"
                    switch round % 4 {
                    case 0: try? FileManager.default.copyItem(atPath: prefix + "b.tif", toPath: next)
                    case 1: try? FileManager.default.copyItem(atPath: prefix + "a.tif", toPath: next)
                    case 2: truncate(prefix + "moving.tif", 20_000)
                    default: unlink(prefix + "moving.tif")
                    }
                    if round % 4 < 2 { rename(next, prefix + "moving.tif") }
                    round += 1
                    try? await Task.sleep(for: .milliseconds(15))
                }
                return round
            }
            var statuses: [Int: Int] = [:]
            await withTaskGroup(of: [Int].self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var seen: [Int] = []
                        for index in 0..<40 {
                            let target =
                                index % 3 == 0
                                ? "/?FIF=moving.tif&OBJ=Max-size"
                                : "/?FIF=moving.tif&JTL=\((client + index) % 3),\(index % 4)"
                            seen.append((try? await instance.get(target))?.status ?? 0)
                        }
                        return seen
                    }
                }
                for await seen in group {
                    for status in seen { statuses[status, default: 0] += 1 }
                }
            }
            replacer.cancel()
            let rounds = await replacer.value
            print("replaced while read: \(rounds) file changes, statuses \(statuses.sorted { $0.key < $1.key })")
            #expect(statuses.keys.allSatisfy { (200..<500).contains($0) }, "a 5xx or no answer: \(statuses)")
        }
    }

    @Test func aSaturatedPipelineAnswers503QuicklyAndLogsIt() async throws {
        try await Self.withServer(
            "saturated", files: ["big.tif": "rgb-deflate-512.tif", "small.tif": "grey-lzw.tif"],
            environment: ["MAX_REQUESTS_IN_FLIGHT": "2", "MAX_REQUESTS_QUEUED": "2", "OMP_NUM_THREADS": "1"]
        ) { instance, _ in
            // Forty exports at once on one codec thread: four are admitted or queued, the rest get 503 at once.
            var answers: [TestHTTPResponse] = []
            await withTaskGroup(of: TestHTTPResponse?.self) { group in
                for index in 0..<40 {
                    group.addTask { try? await instance.get("/?FIF=big.tif&WID=\(600 + index)&CVT=png") }
                }
                for await answer in group { if let answer { answers.append(answer) } }
            }
            #expect(answers.count == 40, "\(40 - answers.count) requests got no answer")
            let busy = answers.filter { $0.status == 503 }
            let served = answers.filter { $0.status == 200 }
            print("saturated: \(served.count) served, \(busy.count) answered 503")
            #expect(busy.count + served.count == answers.count)
            #expect(!busy.isEmpty && served.count >= 2)
            #expect(busy.allSatisfy { $0.header("Retry-After") == "1" })
            // Exports leave the request bound when they reach their own (MAX_EXPORTS_QUEUED, by default
            // MAX_REQUESTS_QUEUED, 2 here): that bound is the one that refuses them.
            let log = instance.process.output
            #expect(
                log.contains("server busy: requests answered 503") || log.contains("server busy: exports answered 503"))
            let after = try await instance.get("/?FIF=small.tif&JTL=0,0")
            #expect(after.status == 200)
        }
    }

    @Test func aFullDiskForTheLogIsReportedOnceAndServingGoesOn() async throws {
        try await Self.withServer(
            "full-log", files: ["small.tif": "grey-lzw.tif"], environment: ["LOGFILE": "/dev/full", "VERBOSITY": "2"]
        ) { instance, _ in
            for index in 0..<30 {
                let response = try await instance.get("/?FIF=small.tif&JTL=\(index % 3),0")
                #expect(response.status == 200)
            }
            let report = instance.process.output
            #expect(
                report.contains("log file /dev/full cannot be written: No space left on device"),
                "\(report.suffix(500))")
            // Reported when it starts failing, not once per dropped line.
            #expect(report.components(separatedBy: "cannot be written").count == 2)
        }
    }
}
