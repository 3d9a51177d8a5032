import Testing

@testable import IIPProtocol

/// The byte-level search used on every request path and FIF value.
@Suite struct ASCIISearchTests {
    @Test(
        arguments: [
            ("/iiif/a.tif/info.json", "/iiif/", 0),
            ("/images/iiif/a.tif", "/iiif/", 7),
            ("x/iii/iiif/", "/iiif/", 5),
            ("....//etc", "../", 2),
            ("abc", "abcd", nil),
            ("", "../", nil),
            ("/iiif", "/iiif/", nil),
            ("é/iiif/x", "/iiif/", 2),
        ] as [(String, StaticString, Int?)])
    func findsTheFirstOccurrence(text: String, needle: StaticString, offset: Int?) {
        let range = ASCIISearch.firstRange(of: needle, in: text)
        #expect(range.map { text.utf8.distance(from: text.utf8.startIndex, to: $0.lowerBound) } == offset)
        if let range { #expect(String(text[range]) == needle.description) }
        #expect(ASCIISearch.contains(needle, in: text) == (offset != nil))
    }

    @Test func worksOnSubstrings() {
        let text = "prefix/deepzoom/a.dzi"
        let slice = text.dropFirst(3)
        let range = ASCIISearch.firstRange(of: "/deepzoom/", in: slice)
        #expect(range.map { String(slice[$0.upperBound...]) } == "a.dzi")
    }
}
