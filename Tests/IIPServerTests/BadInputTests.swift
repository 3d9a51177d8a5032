import Foundation
import IIPPipeline
import IIPTestSupport
import Testing

/// Hostile and malformed requests: each gets a clear 4xx and the server keeps serving.
@Suite("Bad input")
struct BadInputTests {
    init() throws { try StandardFixtures.prepare() }

    /// Requests and the status each must get.
    static let cases: [(query: String, status: Int)] = [
        // Traversal and paths outside FILESYSTEM_PREFIX (iipsrv-reference §1.3).
        ("FIF=../../../../etc/passwd&OBJ=Max-size", 404),
        ("FIF=%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd&OBJ=Max-size", 404),
        ("FIF=..%2F..%2F..%2Fetc%2Fpasswd&OBJ=Max-size", 404),
        ("FIF=....//....//....//etc/passwd&OBJ=Max-size", 404),
        ("FIF=/etc/passwd&OBJ=Max-size", 404),
        ("FIF=%2Fetc%2Fpasswd&JTL=0,0", 404),
        ("FIF=..&OBJ=Max-size", 404),
        ("FIF=rgb-jpeg-odd.tif%00.jpg&OBJ=Max-size", 404),
        ("FIF=\(String(repeating: "a", count: 5000)).tif&OBJ=Max-size", 404),
        ("FIF=\(String(repeating: "d/", count: 2500))x.tif&JTL=0,0", 404),
        // Broken and unsupported files.
        ("FIF=untiled.tif&OBJ=Max-size", 404),
        ("FIF=untiled.tif&JTL=0,0", 404),
        ("FIF=truncated.tif&JTL=0,0", 404),
        ("FIF=not-an-image.tif&OBJ=Max-size", 400),
        ("FIF=no-such-file.tif&JTL=0,0", 404),
        // Tiles that do not exist, negative and huge numbers.
        ("FIF=rgb-jpeg-odd.tif&JTL=3,0", 404),
        ("FIF=rgb-jpeg-odd.tif&JTL=2,12", 404),
        ("FIF=rgb-jpeg-odd.tif&JTL=0,100", 404),
        ("FIF=rgb-jpeg-odd.tif&JTL=-1,0", 400),
        ("FIF=rgb-jpeg-odd.tif&JTL=0,-5", 400),
        ("FIF=rgb-jpeg-odd.tif&JTL=99999999999999999999,0", 400),
        ("FIF=rgb-jpeg-odd.tif&JTL=0,99999999999999999999", 400),
        ("FIF=rgb-jpeg-odd.tif&JTL=2147483647,2147483647", 404),
        ("FIF=rgb-jpeg-odd.tif&JTL=abc", 400),
        ("FIF=rgb-jpeg-odd.tif&JTL=1", 400),
        ("FIF=rgb-jpeg-odd.tif&TIL=2,5-1", 400),
        ("FIF=rgb-jpeg-odd.tif&TIL=2,0-99", 404),
        // Malformed setters and objects (iipsrv-reference §2).
        ("FIF=rgb-jpeg-odd.tif&QLT=abc&JTL=0,0", 400),
        ("FIF=rgb-jpeg-odd.tif&WID=-5&CVT=jpeg", 400),
        ("FIF=rgb-jpeg-odd.tif&RGN=a,b,c,d&CVT=jpeg", 400),
        ("FIF=rgb-jpeg-odd.tif&RGN=0.1%2C0.2%2C0.3%2C0.4&CVT=jpeg", 400),
        ("FIF=rgb-jpeg-odd.tif&WID=nan&CVT=jpeg", 400),
        ("FIF=rgb-jpeg-odd.tif&CNT=inf&JTL=0,0", 400),
        ("FIF=rgb-jpeg-odd.tif&OBJ=no-such-object", 400),
        ("FIF=rgb-jpeg-odd.tif&FOO=1&OBJ=Max-size", 400),
        ("OBJ=Max-size", 400),
        ("JTL=0,0", 400),
        ("CVT=jpeg", 400),
        ("FIF=rgb-jpeg-odd.tif", 400),
        ("FIF=rgb-jpeg-odd.tif&OBJ=summary-info", 400),
        ("FOO=bar", 400),
        ("=&=&&", 400),
        // Over-long request string (MAX_QUERY_LENGTH).
        ("FIF=rgb-jpeg-odd.tif&\(String(repeating: "X=1&", count: 5000))OBJ=Max-size", 414),
    ]

    @Test(arguments: cases)
    func answersFourHundredsAndKeepsServing(query: String, status: Int) async throws {
        try await Self.server.check { server in
            let response = try await server.get("/fcgi-bin/iipsrv.fcgi?\(query)")
            #expect(response.status == status, "\(query.prefix(80))")
            #expect((400..<500).contains(response.status))
            // Error bodies never reveal the filesystem prefix.
            #expect(!response.text.contains(Fixtures.directory))
            let health = try await server.get("/health")
            #expect(health.status == 200)
            let tile = try await server.get("/?FIF=grey-lzw.tif&JTL=0,0")
            #expect(tile.status == 200)
        }
    }

    // iipsrv-reference §11.1: IIP errors are 400 with the Error/len line.
    @Test func iipErrorsHaveTheProtocolBody() async throws {
        try await Self.server.check { server in
            let response = try await server.get("/?FIF=rgb-jpeg-odd.tif&OBJ=foo&OBJ=bar")
            #expect(response.status == 400)
            #expect(response.text == "Error/7:3 2 foo\r\nError/7:3 2 bar\r\n")
            #expect(response.header("Content-Type") == "application/vnd.netfpx")
            #expect(response.header("Cache-Control") == "no-cache")
            let missing = try await server.get("/?OBJ=max-size")
            #expect(missing.text == "Error/12:1 3 max-size\r\n")
            let nothing = try await server.get("/?FIF=grey-lzw.tif")
            #expect(nothing.text == "Error/20:2 1 FIF=grey-lzw.tif\r\n")
        }
    }

    // A viewer's cache-busting parameter must not break tiles.
    @Test func unknownParametersDoNotBreakTiles() async throws {
        try await Self.server.check { server in
            let response = try await server.get("/?FIF=grey-lzw.tif&JTL=0,0&_=1732550400")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "image/jpeg")
        }
    }

    @Test func garbageOnTheWireDoesNotStopTheServer() async throws {
        try await Self.server.check { server in
            let payloads: [[UInt8]] = [
                Array("GARBAGE\r\n\r\n".utf8),
                Array("GET /?FIF=x HTTP/9.9\r\n\r\n".utf8),
                Array("GET /\(String(repeating: "%", count: 3000)) HTTP/1.0\r\nConnection: close\r\n\r\n".utf8),
                [0, 1, 2, 3, 255, 254, 13, 10, 13, 10],
                Array("GET /?FIF=grey-lzw.tif&JTL=0,0 HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".utf8),
            ]
            for payload in payloads {
                let raw = try await TestHTTPClient.exchange(host: "127.0.0.1", port: server.port, bytes: payload)
                if let response = try? TestHTTPClient.parse(raw) {
                    #expect(response.status < 500, "\(payload.prefix(20))")
                }
            }
            let health = try await server.get("/health")
            #expect(health.status == 200)
        }
    }

    /// One server shared by the cases of this suite, started on first use.
    static let server = SharedTestServer()
}

/// A server shared by many test cases: started once, never stopped before the process ends.
actor SharedTestServer {
    private var server: TestServer?
    private let configuration: ServerConfiguration

    init(_ configuration: ServerConfiguration = TestServer.configuration()) {
        self.configuration = configuration
    }

    func check(_ body: (TestServer) async throws -> Void) async throws {
        try await body(try await running())
    }

    /// The server, started on first use.
    func running() async throws -> TestServer {
        if let server { return server }
        let started = try await TestServer.start(configuration)
        server = started
        return started
    }
}
