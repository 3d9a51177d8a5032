/// Reads environment values with the C library semantics iipsrv relies on (`atoi`, `atof`).
///
/// `atoi("12abc")` is 12 and `atoi("abc")` is 0: an invalid number silently becomes what C would make of it,
/// so an existing iipsrv configuration means the same thing here (iipsrv-reference §9). Results are kept
/// within the range of a C `int`.
package enum EnvironmentValue {
    /// The leading integer of `text`, as C's `atoi` reads it (0 when there is none), saturated to Int32.
    package static func atoi(_ text: String) -> Int {
        var scalars = trimmed(text)
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars = scalars.dropFirst()
        }
        let limit = negative ? Int(Int32.max) + 1 : Int(Int32.max)
        var value = 0
        for scalar in scalars {
            let digit = Int(scalar.value) - 48
            guard (0...9).contains(digit) else { break }
            value = value * 10 + digit
            if value >= limit {
                value = limit
                break
            }
        }
        return negative ? -value : value
    }

    /// The leading floating-point number of `text`, as C's `atof` reads it (0 when there is none or it is
    /// not finite).
    package static func atof(_ text: String) -> Double {
        let scalars = trimmed(text)
        var best = 0.0
        var prefix = ""
        for scalar in scalars.prefix(64) {
            prefix.unicodeScalars.append(scalar)
            if let value = Double(prefix) { best = value }
        }
        return best.isFinite ? best : 0
    }

    /// `text` without the leading white space C's `isspace` skips (space, \t, \n, \v, \f, \r).
    private static func trimmed(_ text: String) -> Substring.UnicodeScalarView {
        Substring(text).unicodeScalars.drop { [" ", "\t", "\n", "\u{0B}", "\u{0C}", "\r"].contains($0) }
    }
}
