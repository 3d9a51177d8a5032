import FastCGI
import Foundation
import IIPTestSupport
import Testing

/// If-Modified-Since on every protocol's answers (iipsrv-reference §8.4; iipsrv itself answers 304 only inside FIF),
/// strong ETags with If-None-Match (issue 12, item 2; iipsrv sends none), `Vary: Accept` on IIIF answers, and POST
/// exports offered as attachments (§5.4), over HTTP and through nginx.
@Suite("Conditional requests and downloads")
struct ConditionalRequestTests {
    init() throws { try StandardFixtures.prepare() }

    static let image = StandardFixtures.rgbJPEG.name
    static let targets = [
        "/?FIF=\(image)&JTL=0,0", "/?FIF=\(image)&OBJ=IIP,1.0&OBJ=Max-size", "/?FIF=\(image)&WID=100&CVT=jpeg",
        "/iiif/\(image)/info.json", "/iiif/\(image)/full/100,/0/default.jpg",
        "/iiif/\(image)/0,0,256,256/256,/0/default.png", "/deepzoom/\(image).dzi",
        "/deepzoom/\(image)_files/0/0_0.jpg", "/zoomify/\(image)/ImageProperties.xml",
        "/zoomify/\(image)/TileGroup0/0-0-0.jpg",
    ]

    /// Runs `body` against a server over HTTP, or through nginx in front of its FastCGI port.
    static func serving(
        _ transport: TestServer.Transport,
        _ body: (_ get: (String, String, [(String, String)]) async throws -> TestHTTPResponse)
            async throws -> Void
    ) async throws {
        try await TestServer.with(transport) { port in
            try await body { target, method, headers in
                // The example nginx configuration serves IIP where iipsrv's own location was.
                let path =
                    transport == .nginx && target.hasPrefix("/?")
                    ? "/fcgi-bin/iipsrv.fcgi" + target.dropFirst() : target
                return try await TestHTTPClient.get(port: port, path, method: method, headers: headers)
            }
        }
    }

    @Test(arguments: TestServer.Transport.allCases)
    func everyProtocolAnswers304WhenTheFileIsUnchanged(transport: TestServer.Transport) async throws {
        try await Self.serving(transport) { get in
            for target in Self.targets {
                let first = try await get(target, "GET", [])
                #expect(first.status == 200, "\(target)")
                let lastModified = try #require(first.header("Last-Modified"), "\(target)")
                let cached = try await get(target, "GET", [("If-Modified-Since", lastModified)])
                #expect(cached.status == 304, "\(target) over \(transport)")
                #expect(cached.body.isEmpty, "\(target)")
                #expect(cached.header("Last-Modified") == lastModified, "\(target)")
                let older = try await get(target, "GET", [("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")])
                #expect(older.status == 200, "\(target)")
                #expect(older.body == first.body || target.contains("CVT") || target.contains("info.json"))
            }
        }
    }

    @Test(arguments: TestServer.Transport.allCases)
    func everyAnswerHasAStrongETagThatIfNoneMatchConfirms(transport: TestServer.Transport) async throws {
        try await Self.serving(transport) { get in
            var tags: Set<String> = []
            for target in Self.targets {
                let first = try await get(target, "GET", [])
                let etag = try #require(first.header("ETag"), "\(target)")
                #expect(etag.count == 34 && etag.hasPrefix("\"") && etag.hasSuffix("\""), "\(etag)")
                tags.insert(etag)
                #expect(try await get(target, "GET", []).header("ETag") == etag, "the same answer, the same tag")
                for match in [etag, "W/" + etag, "\"other\", " + etag, " \(etag) ", "*"] {
                    let cached = try await get(target, "GET", [("If-None-Match", match)])
                    #expect(cached.status == 304, "\(target) If-None-Match: \(match)")
                    #expect(cached.body.isEmpty && cached.header("ETag") == etag)
                }
                let other = try await get(target, "GET", [("If-None-Match", "\"0123\"")])
                #expect(other.status == 200 && other.header("ETag") == etag)
                // If-None-Match decides: a current If-Modified-Since does not turn a mismatch into a 304.
                let lastModified = try #require(first.header("Last-Modified"))
                let both = try await get(
                    target, "GET", [("If-None-Match", "\"0123\""), ("If-Modified-Since", lastModified)])
                #expect(both.status == 200, "\(target)")
                let isIIIF = target.hasPrefix("/iiif/")
                #expect(
                    (first.header("Vary") == "Accept") == isIIIF, "\(target): Vary \(first.header("Vary") ?? "none")")
            }
            #expect(tags.count == Self.targets.count, "each answer its own tag")
            // IIIF info.json negotiated to 2.x is another answer, with another tag.
            let info = "/iiif/\(Self.image)/info.json"
            let v2 = "application/ld+json;profile=\"http://iiif.io/api/image/2/context.json\""
            let three = try await get(info, "GET", [])
            let two = try await get(info, "GET", [("Accept", v2)])
            #expect(two.text.contains("image/2/context.json"))
            #expect(three.header("ETag") != two.header("ETag"))
        }
    }

    // A file replaced on disk gets new tags at once (FILE_CHECK_INTERVAL=0), so no cache revalidates a stale copy.
    @Test func replacingTheFileChangesTheTag() async throws {
        let name = "etag-replaced.tif"
        let path = Fixtures.path(name)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: Fixtures.path(Self.image), toPath: path)
        try await TestServer.with(TestServer.configuration { $0.fileCheckInterval = 0 }) { server in
            let target = "/iiif/\(name)/0,0,256,256/256,/0/default.jpg"
            let before = try #require(try await server.get(target).header("ETag"))
            // Replaced by rename, as deployments replace files: a new inode.
            try FileManager.default.copyItem(
                atPath: Fixtures.path(StandardFixtures.withMetadata.name), toPath: path + ".new")
            #expect(rename(path + ".new", path) == 0)
            let after = try await server.get(target, headers: [("If-None-Match", before)])
            #expect(after.status == 200)
            #expect(after.header("ETag") != nil && after.header("ETag") != before)
        }
    }

    @Test(arguments: TestServer.Transport.allCases)
    func postExportsAreAttachments(transport: TestServer.Transport) async throws {
        try await Self.serving(transport) { get in
            let target = "/?FIF=\(Self.image)&WID=200&CVT=jpeg"
            let shown = try await get(target, "GET", [])
            #expect(shown.header("Content-Disposition") == "inline; filename=\"rgb-jpeg-odd_200x134.jpg\"")
            let saved = try await get(target, "POST", [])
            #expect(saved.status == 200)
            #expect(saved.header("Content-Disposition") == "attachment; filename=\"rgb-jpeg-odd_200x134.jpg\"")
            #expect(try ImageComparison.decodeJPEG(saved.body).width == 200)
            // Tiles have no file name, whatever the method.
            let tile = try await get("/?FIF=\(Self.image)&JTL=0,0", "POST", [])
            #expect(tile.status == 200 && tile.header("Content-Disposition") == nil)
        }
    }
}
