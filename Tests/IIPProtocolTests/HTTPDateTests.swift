import IIPProtocol
import IIPTestSupport
import Testing

/// HTTP dates: IMF-fixdate output, and the three historic forms as input.
@Suite struct HTTPDateTests {
    // iipsrv-reference §8.4: Last-Modified is formatted "%a, %d %b %Y %H:%M:%S GMT"
    @Test(
        arguments: [
            (Int64(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT"),
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (-1, "Wed, 31 Dec 1969 23:59:59 GMT"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (951_868_799, "Tue, 29 Feb 2000 23:59:59 GMT"),
            (1_709_164_800, "Thu, 29 Feb 2024 00:00:00 GMT"),
            (2_147_483_648, "Tue, 19 Jan 2038 03:14:08 GMT"),
            (4_102_444_800, "Fri, 01 Jan 2100 00:00:00 GMT"),
            (1_000_000_000, "Sun, 09 Sep 2001 01:46:40 GMT"),
            (-86_400 * 365, "Wed, 01 Jan 1969 00:00:00 GMT"),
        ] as [(Int64, String)])
    func format(seconds: Int64, text: String) {
        #expect(HTTPDate.format(seconds) == text)
    }

    // RFC 9110 §5.6.7: IMF-fixdate, obsolete RFC 850 and asctime forms
    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun Nov 6 08:49:37 1994",
    ])
    func parsesTheThreeForms(text: String) {
        #expect(HTTPDate.parse(text) == 784_111_777)
    }

    @Test func twoDigitYears() {
        #expect(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT") == 0)
        #expect(HTTPDate.parse("Saturday, 01-Jan-00 00:00:00 GMT") == 946_684_800)
        #expect(HTTPDate.parse("Wednesday, 31-Dec-69 23:59:59 GMT") == 3_155_759_999)
    }

    @Test(arguments: [
        "", "garbage", "Sun, 06 Nov 1994", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49 GMT", "Sun, 06 Nov 1994 08:49:37:00 GMT",
        "Sun, xx Nov 1994 08:49:37 GMT", "Sun, 06 Nov year 08:49:37 GMT", "Sunday, 06-Nov 08:49:37 GMT",
        "Sun Nov 6 08:49:37", "Sun Nov 6 8h49 1994", "Sun, 06 Nov 1994 -8:49:37 GMT",
    ])
    func garbageIsNil(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    // If-Modified-Since comes from clients: absurd years must give nil, not an arithmetic overflow trap
    @Test func absurdYearsAreRefusedWithoutTrapping() async {
        await #expect(processExitsWith: .success) {
            for text in [
                "Sun, 06 Nov 300000000000 08:49:37 GMT", "Sun, 06 Nov -300000000000 08:49:37 GMT",
                "Sun, 06 Nov 9000000000000000000 08:49:37 GMT", "Sun Nov 6 08:49:37 300000000000",
                "Sunday, 06-Nov-300000000000 08:49:37 GMT",
            ] {
                precondition(HTTPDate.parse(text) == nil, text)
            }
        }
    }

    @Test func roundTripsRandomTimes() {
        var random = TestPattern.Generator(seed: 1994)
        for _ in 0..<2000 {
            // 0001-01-01 ... 9999-12-31 (four-digit years, as IMF-fixdate has).
            let seconds = Int64(random.next() % 315_537_897_600) - 62_135_596_800
            let text = HTTPDate.format(seconds)
            #expect(HTTPDate.parse(text) == seconds, "\(seconds) -> \(text)")
        }
    }
}
