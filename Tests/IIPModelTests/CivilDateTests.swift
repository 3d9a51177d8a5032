import IIPModel
import Testing

/// Calendar dates and days since 1970, both ways.
@Suite struct CivilDateTests {
    @Test func conversionsAreInverse() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let date = CivilDate.civilDate(daysSince1970: days)
            #expect(CivilDate.daysSince1970(year: date.year, month: date.month, day: date.day) == days)
        }
    }

    // Fixed points: the epoch, the leap day of 2000, and the day the S3 signing example was made.
    @Test func knownDates() {
        #expect(CivilDate.civilDate(daysSince1970: 0) == (1970, 1, 1))
        #expect(CivilDate.civilDate(daysSince1970: 11_016) == (2000, 2, 29))
        #expect(CivilDate.civilDate(daysSince1970: 15_849) == (2013, 5, 24))
        #expect(CivilDate.civilDate(daysSince1970: -1) == (1969, 12, 31))
    }
}
