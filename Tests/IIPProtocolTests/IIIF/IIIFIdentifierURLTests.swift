import IIPProtocol
import Testing

// iipsrv-reference §4.2-§4.3; iiif-and-clients §5 (ids behind proxies)
@Suite("IIIF id and redirect location")
struct IIIFIdentifierURLTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var url: IIIFIdentifierURL
        var argument: String
        var expected: String?
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "Host + request URI",
            url: IIIFIdentifierURL(requestURI: "/iiif/test.tif/info.json", host: "localhost:8080"),
            argument: "test.tif/info.json", expected: "http://localhost:8080/iiif/test.tif"),
        Case(
            label: "percent-encoding kept",
            url: IIIFIdentifierURL(requestURI: "/iiif/a%2Fb.tif/info.json", host: "h"), argument: "a%2Fb.tif/info.json",
            expected: "http://h/iiif/a%2Fb.tif"),
        Case(
            label: "HTTPS=on", url: IIIFIdentifierURL(requestURI: "/iiif/x/info.json", host: "h", https: "on"),
            argument: "x/info.json", expected: "https://h/iiif/x"),
        Case(
            label: "HTTPS=off", url: IIIFIdentifierURL(requestURI: "/iiif/x/info.json", host: "h", https: "off"),
            argument: "x/info.json", expected: "http://h/iiif/x"),
        Case(
            label: "X-Forwarded-Proto and X-Forwarded-Host, first values",
            url: IIIFIdentifierURL(
                requestURI: "/iiif/x/info.json", host: "backend:9000", forwardedHost: " public.example.org , proxy",
                forwardedProto: "https, http"),
            argument: "x/info.json", expected: "https://public.example.org/iiif/x"),
        Case(
            label: "BASE_URL + raw identifier",
            url: IIIFIdentifierURL(baseURL: "https://example.org/iiif/", requestURI: "/ignored/info.json", host: "h"),
            argument: "a%2Fb.tif/info.json", expected: "https://example.org/iiif/a%2Fb.tif"),
        Case(
            label: "BASE_URL without a slash",
            url: IIIFIdentifierURL(baseURL: "https://example.org/iiif"), argument: "a.tif/info.json",
            expected: "https://example.org/iiif/a.tif"),
        Case(
            label: "X-IIIF-ID wins",
            url: IIIFIdentifierURL(
                baseURL: "https://example.org/iiif/", requestURI: "/iiif/x/info.json", host: "h",
                iiifID: "https://cdn.example.org/img/abc"),
            argument: "x/info.json", expected: "https://cdn.example.org/img/abc"),
        Case(
            label: "X-IIIF-ID trailing /info.json removed",
            url: IIIFIdentifierURL(iiifID: "https://cdn.example.org/img/abc/info.json"), argument: "x/info.json",
            expected: "https://cdn.example.org/img/abc"),
        Case(
            label: "query-string form",
            url: IIIFIdentifierURL(requestURI: "/fcgi-bin/iipsrv.fcgi?IIIF=test.tif/info.json", host: "h"),
            argument: "test.tif/info.json", expected: "http://h/fcgi-bin/iipsrv.fcgi?IIIF=test.tif"),
        Case(
            label: "base URI with a trailing slash", url: IIIFIdentifierURL(requestURI: "/iiif/x/", host: "h"),
            argument: "x/", expected: "http://h/iiif/x"),
        Case(label: "nothing to build from", url: IIIFIdentifierURL(), argument: "x/info.json", expected: nil),
        Case(
            label: "no host", url: IIIFIdentifierURL(requestURI: "/iiif/x/info.json"), argument: "x/info.json",
            expected: nil),
        Case(
            label: "empty request URI", url: IIIFIdentifierURL(requestURI: "", host: "h", iiifID: ""),
            argument: "x/info.json", expected: nil),
    ]

    @Test("id", arguments: cases)
    func id(_ testCase: Case) {
        #expect(testCase.url.id(argument: testCase.argument) == testCase.expected)
    }

    @Test("redirect Location")
    func location() {
        let url = IIIFIdentifierURL(requestURI: "/iiif/a%2Fb.tif", host: "h", https: "1")
        #expect(url.infoLocation(argument: "a%2Fb.tif") == "https://h/iiif/a%2Fb.tif/info.json")
        let base = IIIFIdentifierURL(baseURL: "http://e.org/iiif/")
        #expect(base.infoLocation(argument: "abc/") == "http://e.org/iiif/abc/info.json")
        #expect(IIIFIdentifierURL().infoLocation(argument: "abc") == nil)
    }
}
