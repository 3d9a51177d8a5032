import IIPModel

/// HTTP dates (RFC 9110 §5.6.7): formatting as IMF-fixdate, parsing all three historic forms.
///
/// Written by hand so that a cached tile's Last-Modified costs no formatter allocation.
package enum HTTPDate {
    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats seconds since 1970 as `Sun, 06 Nov 1994 08:49:37 GMT`.
    package static func format(_ secondsSince1970: Int64) -> String {
        let days = floorDivide(secondsSince1970, 86400)
        let secondOfDay = Int(secondsSince1970 - days * 86400)
        let (year, month, day) = CivilDate.civilDate(daysSince1970: days)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(weekday), \(pad(day)) \(months[month - 1]) \(year) \(pad(secondOfDay / 3600)):"
            + "\(pad(secondOfDay / 60 % 60)):\(pad(secondOfDay % 60)) GMT"
    }

    /// Parses an IMF-fixdate, an RFC 850 date or an asctime date; `nil` when the text is none of them.
    package static func parse(_ text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: [Int]?
        switch words.count {
        case 6 where words[5] == "GMT":  // Sun, 06 Nov 1994 08:49:37 GMT
            day = Int(words[1])
            month = months.firstIndex(of: words[2]).map { $0 + 1 }
            year = Int(words[3])
            time = clock(words[4])
        case 5:  // Sun Nov  6 08:49:37 1994
            month = months.firstIndex(of: words[1]).map { $0 + 1 }
            day = Int(words[2])
            time = clock(words[3])
            year = Int(words[4])
        case 4 where words[3] == "GMT":  // Sunday, 06-Nov-94 08:49:37 GMT
            let parts = words[1].split(separator: "-").map(String.init)
            if parts.count == 3 {
                day = Int(parts[0])
                month = months.firstIndex(of: parts[1]).map { $0 + 1 }
                year = Int(parts[2]).map { $0 < 70 ? $0 + 2000 : ($0 < 100 ? $0 + 1900 : $0) }
                time = clock(words[2])
            }
        default:
            return nil
        }
        guard let day, let month, let year, let time, (1...31).contains(day), (1...9999).contains(year),
            time[0] < 24, time[1] < 60, time[2] < 61
        else { return nil }
        let days = CivilDate.daysSince1970(year: year, month: month, day: day)
        return days * 86400 + Int64(time[0] * 3600 + time[1] * 60 + time[2])
    }

    private static func clock(_ text: String) -> [Int]? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        return parts.count == 3 && parts.allSatisfy { $0 >= 0 } ? parts : nil
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
