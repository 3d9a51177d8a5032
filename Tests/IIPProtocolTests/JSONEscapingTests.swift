import IIPProtocol
import Testing

@Suite("JSON escaping")
struct JSONEscapingTests {
    static let cases: [(String, String)] = [
        ("plain text", "plain text"),
        ("", ""),
        ("say \"hi\"", "say \\\"hi\\\""),
        ("C:\\dir", "C:\\\\dir"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\u{01}\u{1F}", "\\u0001\\u001f"),
        ("\u{00}", "\\u0000"),
        ("\u{0B}\u{0C}", "\\u000b\\u000c"),
        ("\u{7F}/é€😀", "\u{7F}/é€😀"),
    ]

    @Test("Escapes quotes, backslashes and control characters; leaves the rest", arguments: cases)
    func escapes(input: String, expected: String) {
        #expect(JSONEscaping.escape(input) == expected)
    }
}
