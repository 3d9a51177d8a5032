import IIPProtocol
import Testing

// iipsrv-reference §1.3 (the decoder)
@Suite("URL decoding")
struct URLDecodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: String
        var output: String
        var droppedNul = false
        var testDescription: String { "\"\(input)\"" }
    }

    static let cases: [Case] = [
        Case(input: "", output: ""),
        Case(input: "abc/def.tif", output: "abc/def.tif"),
        Case(input: "a+b", output: "a b"),
        Case(input: "+%2B+", output: " + "),
        Case(input: "%20", output: " "),
        Case(input: "%2B", output: "+"),
        Case(input: "%2b%2f%2C", output: "+/,"),
        Case(input: "%41%42%43", output: "ABC"),
        Case(input: "a%00b", output: "ab", droppedNul: true),
        Case(input: "%00", output: "", droppedNul: true),
        Case(input: "%", output: "%"),
        Case(input: "%4", output: "%4"),
        Case(input: "100%", output: "100%"),
        Case(input: "%G1", output: "%G1"),
        Case(input: "%4G", output: "%4G"),
        Case(input: "%%41", output: "%A"),
        Case(input: "%0%30", output: "%00"),
        Case(input: "%2541", output: "%41"),
        Case(input: "%252F", output: "%2F"),
        Case(input: "%C3%A9", output: "é"),
        Case(input: "%E2%82%AC", output: "€"),
        Case(input: "é+€", output: "é €"),
        Case(input: "%FF", output: "\u{FFFD}"),
        Case(input: "%2e%2e%2f", output: "../"),
    ]

    @Test("+ is a space, %XX a byte, %00 dropped and reported, a lone % passed through", arguments: cases)
    func decodes(_ testCase: Case) {
        let result = IIPURLDecoding.decode(testCase.input)
        #expect(result.value == testCase.output)
        #expect(result.droppedNul == testCase.droppedNul)
    }

    @Test("Decodes a substring")
    func substring() {
        let text = "xx%41+b"
        let result = IIPURLDecoding.decode(text.dropFirst(2))
        #expect(result.value == "A b")
        #expect(!result.droppedNul)
    }
}
