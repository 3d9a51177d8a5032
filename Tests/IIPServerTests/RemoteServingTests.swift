import Foundation
import IIPTestSupport
import Testing

/// Issue 15, done when: the same answers from local, S3 and HTTP sources. Three instances of the real executable
/// serve the same pyramid TIFFs and JPEG 2000 file, one from a folder, one from rclone's S3 server
/// (FILESYSTEM_PREFIX `s3://images/`, the AWS_ variables) and one from nginx's byte ranges
/// (FILESYSTEM_PREFIX `http://.../images/`); every protocol's answers must be byte for byte the same.
@Suite("Remote sources", .serialized, .enabled(if: RemoteStores.enabled, "no remote stores (run .ci/test)"))
struct RemoteServingTests {
    /// The fixtures, by the name they are served under.
    static func fixtures() throws -> [String: String] {
        [
            "remote-jpeg.tif": Fixtures.path(
                try Fixtures.make(
                    FixtureSpec("remote-serving-jpeg.tif", width: 1300, height: 900).with { $0.tileSize = 256 })),
            "remote-deflate.tif": Fixtures.path(
                try Fixtures.make(
                    FixtureSpec("remote-serving-deflate.tif", width: 700, height: 500).with {
                        $0.compression = .deflate
                        $0.channels = 1
                        $0.tileSize = 256
                    })),
            "remote.jp2": Fixtures.path(
                try JPEG2000Fixtures.make(
                    JPEG2000Fixtures.Spec("remote-serving.jp2", width: 800, height: 600).with { $0.tileSize = 256 })),
        ]
    }

    /// What every instance is asked, for an image named `name`.
    static func requests(_ name: String) -> [String] {
        [
            "/?FIF=\(name)&OBJ=IIP,1.0&OBJ=Max-size&OBJ=Tile-size&OBJ=Resolution-number",
            "/?FIF=\(name)&JTL=0,0", "/?FIF=\(name)&JTL=2,1", "/?FIF=\(name)&JTL=2,2",
            "/?FIF=\(name)&WID=300&CVT=jpeg", "/?FIF=\(name)&RGN=0.2,0.2,0.5,0.5&WID=200&CVT=png",
            "/iiif/\(name)/info.json", "/iiif/\(name)/full/256,/0/default.jpg",
            "/iiif/\(name)/100,50,400,300/200,/0/default.png", "/iiif/\(name)/0,0,256,256/256,/90/gray.jpg",
            "/deepzoom/\(name).dzi", "/deepzoom/\(name)_files/9/0_0.jpg", "/deepzoom/\(name)_files/10/1_1.jpg",
            "/zoomify/\(name)/ImageProperties.xml", "/zoomify/\(name)/TileGroup0/1-0-0.jpg",
            "/?FIF=missing-\(name)&JTL=0,0",
        ]
    }

    /// A body with every `127.0.0.1:<port>` made `127.0.0.1`, for answers that name their instance.
    static func portless(_ body: [UInt8]) -> [UInt8] {
        guard let text = String(validating: body, as: UTF8.self), text.contains("127.0.0.1:") else { return body }
        return Array(text.replacing(/127\.0\.0\.1:\d+/, with: "127.0.0.1").utf8)
    }

    @Test func localS3AndHTTPSourcesGiveTheSameAnswers() async throws {
        let fixtures = try Self.fixtures()
        let folder = try TestEnvironment.temporaryFolder("remote-serving")
        let local = folder + "/images/"
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        for (name, path) in fixtures {
            try FileManager.default.copyItem(atPath: path, toPath: local + name)
            _ = try RemoteStores.publish(path, as: name)
        }
        let common = [
            "LOGFILE": "stderr", "VERBOSITY": "1", "MEMCACHED_SERVERS": "", "MAX_IMAGE_CACHE_SIZE": "0",
            "MAX_DECODED_CACHE_SIZE": "0", "HOME": "/nonexistent",
        ]
        let sources: [(String, [String: String])] = [
            ("local", ["FILESYSTEM_PREFIX": local]),
            (
                "s3",
                ["FILESYSTEM_PREFIX": try RemoteStores.prefix(.s3)].merging(try RemoteStores.awsEnvironment()) { $1 }
            ),
            ("http", ["FILESYSTEM_PREFIX": try RemoteStores.prefix(.http)]),
        ]
        var answers: [String: [String: TestHTTPResponse]] = [:]
        var outputs: [String: String] = [:]
        for (source, environment) in sources {
            let instance = try await ClusterInstance.start(
                name: "remote-\(source)", environment: common.merging(environment) { $1 }, folder: folder)
            // A remote store is ready, as a folder it can read is.
            #expect(try await instance.get("/ready").status == 200, "\(source)")
            for name in fixtures.keys.sorted() {
                for request in Self.requests(name) {
                    answers[source, default: [:]][request] = try await instance.get(request)
                }
            }
            outputs[source] = instance.process.output
            await instance.process.stop()
        }
        let reference = try #require(answers["local"])
        let failed = reference.filter { $0.value.status != 200 && !$0.key.contains("FIF=missing-") }
        #expect(failed.isEmpty, "\(failed.mapValues(\.status))")
        for source in ["s3", "http"] {
            let remote = try #require(answers[source])
            for (request, expected) in reference {
                let got = try #require(remote[request])
                #expect(got.status == expected.status, "\(source) \(request)")
                // info.json names the instance it came from (its own port): compare without it.
                let same = Self.portless(got.body) == Self.portless(expected.body)
                #expect(same, "\(source) \(request): \(got.body.count) bytes, not \(expected.body.count)")
                #expect(got.header("Content-Type") == expected.header("Content-Type"), "\(source) \(request)")
            }
        }
        // The secret never reaches the log.
        let secret = try RemoteStores.value("IIP_S3_SECRET_KEY")
        #expect(!(outputs["s3"] ?? "").contains(secret))
    }

    // A store that fails: the image answers 502 with a body that names neither the store nor a credential, the
    // log says why, and the server goes on answering.
    @Test func aFailingStoreAnswers502WithoutNamingIt() async throws {
        let folder = try TestEnvironment.temporaryFolder("remote-failing")
        let failing = try RemoteStores.value("IIP_HTTP_FAILING_URL")
        let instance = try await ClusterInstance.start(
            name: "remote-failing",
            environment: [
                "FILESYSTEM_PREFIX": failing, "LOGFILE": "stderr", "VERBOSITY": "1", "MEMCACHED_SERVERS": "",
                "REMOTE_RETRIES": "1",
            ], folder: folder)
        for request in ["/?FIF=a.tif&JTL=0,0", "/iiif/a.tif/info.json", "/deepzoom/a.tif.dzi"] {
            let answer = try await instance.get(request)
            #expect(answer.status == 502, "\(request)")
            #expect(!answer.text.contains("127.0.0.1") && !answer.text.contains("failing"), "\(answer.text)")
        }
        #expect(instance.process.output.contains("image store unavailable"))
        #expect(try await instance.get("/ready").status == 200)
        #expect(try await instance.get("/metrics").status == 200)
        await instance.process.stop()
    }
}
