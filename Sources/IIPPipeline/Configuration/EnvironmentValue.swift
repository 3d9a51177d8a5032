/// Reads environment values with the C library semantics iipsrv relies on (`atoi`, `atof`).
///
/// `atoi("12abc")` is 12 and `atoi("abc")` is 0: an invalid number silently becomes what C would make of it,
/// so an existing iipsrv configuration means the same thing here (iipsrv-reference §9).
public enum EnvironmentValue {
    /// The leading integer of `text`, as C's `atoi` reads it (0 when there is none).
    public static func atoi(_ text: String) -> Int {
        var scalars = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var sign = 1
        if let first = scalars.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        var value = 0
        for character in scalars {
            guard let digit = character.wholeNumberValue, character.isASCII else { break }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow, product <= Int(Int32.max) else { return sign > 0 ? Int(Int32.max) : Int(Int32.min) }
            value = product + digit
        }
        return sign * value
    }

    /// The leading floating-point number of `text`, as C's `atof` reads it (0 when there is none).
    public static func atof(_ text: String) -> Double {
        let trimmed = Substring(text).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var end = trimmed.startIndex
        var best = 0.0
        while end < trimmed.endIndex {
            end = trimmed.index(after: end)
            if let value = Double(trimmed[trimmed.startIndex..<end]) { best = value }
        }
        return best.isFinite ? best : 0
    }
}
