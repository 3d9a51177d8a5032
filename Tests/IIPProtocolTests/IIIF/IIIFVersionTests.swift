import IIPProtocol
import Testing

// iipsrv-reference §4.1, §4.3; IIIF 3.0 §5.1
@Suite("IIIF versions and negotiation")
struct IIIFVersionTests {
    @Test("context and profile URIs")
    func uris() {
        #expect(IIIFVersion.v2.contextURI == "http://iiif.io/api/image/2/context.json")
        #expect(IIIFVersion.v3.contextURI == "http://iiif.io/api/image/3/context.json")
        #expect(IIIFVersion.v2.profileURI == "http://iiif.io/api/image/2/level2.json")
        #expect(IIIFVersion.v3.profileURI == "http://iiif.io/api/image/3/level2.json")
        #expect(
            IIIFVersion.v3.infoMediaType == "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var accept: String?
        var fallback: IIIFVersion
        var expected: IIIFVersion
        var testDescription: String { "\(accept ?? "nil") default v\(fallback.rawValue)" }
    }

    static let cases: [Case] = [
        Case(accept: nil, fallback: .v3, expected: .v3),
        Case(accept: "", fallback: .v2, expected: .v2),
        Case(accept: "*/*", fallback: .v3, expected: .v3),
        Case(accept: "application/ld+json", fallback: .v2, expected: .v2),
        Case(
            accept: "application/ld+json;profile=\"http://iiif.io/api/image/2/context.json\"", fallback: .v3,
            expected: .v2),
        Case(
            accept: "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"", fallback: .v2,
            expected: .v3),
        Case(accept: "application/json, http://iiif.io/api/image/3/context.json", fallback: .v2, expected: .v3),
        Case(
            accept: "profile=\"http://iiif.io/api/image/3/context.json\", "
                + "profile=\"http://iiif.io/api/image/2/context.json\"",
            fallback: .v2, expected: .v3),
        Case(
            accept: "profile=\"http://iiif.io/api/image/2/context.json\", "
                + "profile=\"http://iiif.io/api/image/3/context.json\"",
            fallback: .v3, expected: .v2),
        Case(
            accept: "application/ld+json;profile=\"http://iiif.io/api/image/1/context.json\"", fallback: .v3,
            expected: .v3),
    ]

    @Test("Accept header picks the version", arguments: cases)
    func negotiation(_ testCase: Case) {
        #expect(IIIFVersion.negotiated(accept: testCase.accept, default: testCase.fallback) == testCase.expected)
    }
}
