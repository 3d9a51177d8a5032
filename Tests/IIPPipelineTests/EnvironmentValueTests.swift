import Testing

@testable import IIPPipeline

/// `atoi` and `atof` semantics for environment values (iipsrv-reference §9: invalid numbers go through atoi/atof).
@Suite struct EnvironmentValueTests {
    // iipsrv-reference §9
    @Test(arguments: [
        ("12abc", 12), ("abc", 0), ("", 0), ("42", 42), ("  42", 42), ("\t\n7", 7), ("-17", -17), ("+5", 5),
        ("--5", 0), ("+-5", 0), ("- 5", 0), ("3.9", 3), ("-0", 0), ("0012", 12), ("12 34", 12), ("1e3", 1),
        ("99999999999", 2_147_483_647), ("-99999999999", -2_147_483_648), ("2147483647", 2_147_483_647),
        ("-2147483648", -2_147_483_648), ("١٢", 0),
    ])
    func atoi(text: String, value: Int) {
        #expect(EnvironmentValue.atoi(text) == value)
    }

    // Values past the C int range saturate (as "99999999999" does), including those one digit past it
    @Test(arguments: ["2147483648", "2147483649", "-2147483649", "-2147483650"])
    func atoiStaysWithinInt32(text: String) {
        let value = EnvironmentValue.atoi(text)
        #expect(value == (text.hasPrefix("-") ? Int(Int32.min) : Int(Int32.max)))
    }

    // C's isspace also skips \r, \v and \f before the number
    @Test(arguments: ["\r9", "\u{0B}9", "\u{0C}9", "\r\n9"])
    func atoiSkipsAllCWhitespace(text: String) {
        #expect(EnvironmentValue.atoi(text) == 9)
    }

    @Test(arguments: [
        ("1.5abc", 1.5), ("abc", 0), ("", 0), ("-2.25", -2.25), ("  3", 3), ("1e3x", 1000), (".5", 0.5),
        ("1e", 1), ("2.", 2), ("+.25", 0.25), ("10", 10), ("-", 0), ("0.1.2", 0.1), ("5 6", 5), ("1e-2", 0.01),
    ])
    func atof(text: String, value: Double) {
        #expect(EnvironmentValue.atof(text) == value)
    }
}
