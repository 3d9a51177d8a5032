import IIPProtocol
import Testing

// iipsrv-reference §1.3
@Suite("Query tokenising")
struct QueryTokenizerTests {
    private static func token(_ name: String, _ value: String) -> IIPQueryToken {
        IIPQueryToken(name: name, rawValue: value)
    }

    static let cases: [(String, [IIPQueryToken])] = [
        ("FIF=a.tif&JTL=0,0", [token("fif", "a.tif"), token("jtl", "0,0")]),
        ("", []),
        ("&", []),
        ("&&&", []),
        ("&FIF=a.tif&&JTL=1,2&", [token("fif", "a.tif"), token("jtl", "1,2")]),
        ("INV=", []),
        ("=1", []),
        ("=", []),
        ("INV", [token("inv", "")]),
        ("FIF=a.tif&inv&JTL=0,0", [token("fif", "a.tif"), token("inv", ""), token("jtl", "0,0")]),
        ("INVERT", []),
        ("a=1&=2&b=&c=3", [token("a", "1"), token("c", "3")]),
        ("FIF=a=b=c", [token("fif", "a=b=c")]),
        ("OBJ==x", [token("obj", "=x")]),
        ("FiF=A.TIF", [token("fif", "A.TIF")]),
        ("DeepZoom=X.dzi", [token("deepzoom", "X.dzi")]),
        ("RGN=0.1%2C0.2", [token("rgn", "0.1%2C0.2")]),
        ("FIF=a+b%20c", [token("fif", "a+b%20c")]),
        ("%46IF=x", [token("%46if", "x")]),
        ("FIF =x", [token("fif ", "x")]),
        ("WID=1&WID=2&wid=3", [token("wid", "1"), token("wid", "2"), token("wid", "3")]),
        ("FIF=a&b=2", [token("fif", "a"), token("b", "2")]),
    ]

    @Test("Splits on &, at the first =, drops empty names and values, lower-cases names only", arguments: cases)
    func tokenizes(query: String, expected: [IIPQueryToken]) {
        #expect(IIPQueryToken.tokenize(query) == expected)
    }

    @Test("Keeps a 5 kB value whole after the leading question mark is dropped")
    func valueAfterALeadingQuestionMarkAndLongValue() {
        let long = String(repeating: "x", count: 5000)
        let query = "?FIF=\(long)&OBJ=IIP,1.0"
        let tokens = IIPQueryToken.tokenize(String(query.dropFirst()))
        #expect(tokens == [Self.token("fif", long), Self.token("obj", "IIP,1.0")])
    }
}
