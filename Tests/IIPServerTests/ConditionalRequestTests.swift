import FastCGI
import Foundation
import IIPTestSupport
import Testing

/// If-Modified-Since on every protocol's answers (iipsrv-reference §8.4; iipsrv itself answers 304 only inside FIF),
/// and POST exports offered as attachments (§5.4), over HTTP and through nginx.
@Suite("Conditional requests and downloads")
struct ConditionalRequestTests {
    init() throws { try StandardFixtures.prepare() }

    enum Transport: String, CaseIterable {
        case http
        case nginx
    }

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
        _ transport: Transport,
        _ body: (_ get: (String, String, [(String, String)]) async throws -> TestHTTPResponse)
            async throws -> Void
    ) async throws {
        try await TestServer.with(TestServer.configuration(), fastCGI: .tcp(host: "127.0.0.1", port: 0)) { server in
            var port = server.port
            var nginx: NginxFrontend?
            if transport == .nginx {
                nginx = try await NginxFrontend.start(upstream: .tcp(port: try #require(server.fastCGIPort)))
                port = try #require(nginx?.port)
            }
            try await body { target, method, headers in
                // The example nginx configuration serves IIP where iipsrv's own location was.
                let path =
                    transport == .nginx && target.hasPrefix("/?")
                    ? "/fcgi-bin/iipsrv.fcgi" + target.dropFirst() : target
                return try await TestHTTPClient.get(port: port, path, method: method, headers: headers)
            }
            await nginx?.stop()
        }
    }

    @Test(arguments: Transport.allCases)
    func everyProtocolAnswers304WhenTheFileIsUnchanged(transport: Transport) async throws {
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

    @Test(arguments: Transport.allCases)
    func postExportsAreAttachments(transport: Transport) async throws {
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
