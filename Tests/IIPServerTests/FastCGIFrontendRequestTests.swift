import FastCGI
import IIPProtocol
import Testing

@testable import IIPServer

/// How nginx's CGI variables become the neutral request (the host and path that IIIF ids and redirects are built
/// from).
@Suite("FastCGI variables to a request")
struct FastCGIFrontendRequestTests {
    private func request(_ params: [String: String]) -> ServerRequest {
        FastCGIFrontend.serverRequest(FastCGIRequest(params: params))
    }

    @Test("The path is REQUEST_URI up to the query; without it, SCRIPT_NAME and PATH_INFO; never empty")
    func path() {
        #expect(request(["REQUEST_URI": "/iiif/a.tif/info.json?x=1&y=2"]).path == "/iiif/a.tif/info.json")
        #expect(request(["REQUEST_URI": "/fcgi-bin/iipsrv.fcgi"]).path == "/fcgi-bin/iipsrv.fcgi")
        #expect(request(["SCRIPT_NAME": "/fcgi-bin/iipsrv.fcgi", "PATH_INFO": "/x"]).path == "/fcgi-bin/iipsrv.fcgi/x")
        #expect(request(["REQUEST_URI": "?FIF=a.tif"]).path == "/")
        #expect(request([:]).path == "/")
    }

    @Test("SERVER_PORT is added to a host without a port unless it is the scheme's default")
    func hostPort() {
        #expect(request(["HTTP_HOST": "example.org", "SERVER_PORT": "8080"]).host == "example.org:8080")
        #expect(request(["HTTP_HOST": "example.org", "SERVER_PORT": "80"]).host == "example.org")
        #expect(request(["HTTP_HOST": "example.org", "SERVER_PORT": "443", "HTTPS": "on"]).host == "example.org")
        #expect(request(["HTTP_HOST": "example.org", "SERVER_PORT": "80", "HTTPS": "on"]).host == "example.org:80")
        #expect(request(["HTTP_HOST": "example.org:81", "SERVER_PORT": "8080"]).host == "example.org:81")
        #expect(request(["SERVER_NAME": "fallback", "SERVER_PORT": "8080"]).host == "fallback:8080")
        #expect(request(["SERVER_PORT": "8080"]).host == nil)
    }

    @Test("An IPv6 literal has a port only after its closing bracket")
    func ipv6Host() {
        #expect(request(["HTTP_HOST": "[::1]", "SERVER_PORT": "8080"]).host == "[::1]:8080")
        #expect(request(["HTTP_HOST": "[::1]:9000", "SERVER_PORT": "8080"]).host == "[::1]:9000")
        #expect(request(["HTTP_HOST": "[2001:db8::7]", "SERVER_PORT": "80"]).host == "[2001:db8::7]")
    }
}
