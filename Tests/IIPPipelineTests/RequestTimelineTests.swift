import IIPImaging
import Testing

@testable import IIPPipeline

/// The per-request record that metrics, Server-Timing, the access log and traces are made of.
@Suite struct RequestTimelineTests {
    @Test func stagesKeepTheirFirstStartTheirSumAndHowOftenTheyRan() {
        let start = ContinuousClock.now
        let timeline = RequestTimeline(start: start)
        timeline.record(.decode, from: start + .milliseconds(5), to: start + .milliseconds(8))
        // A second decode that started earlier (tiles of an export decoded in parallel).
        timeline.record(.decode, from: start + .milliseconds(2), to: start + .milliseconds(4))
        timeline.record(.parse, from: start, to: start + .microseconds(30))
        let summary = timeline.summary
        #expect(summary[.decode] == .init(offset: .milliseconds(2), total: .milliseconds(5), count: 2))
        #expect(summary[.parse] == .init(offset: .zero, total: .microseconds(30), count: 1))
        #expect(summary[.encode].count == 0)
    }

    @Test func deductionsApplyInAnyOrderAndNeverGoBelowZero() {
        let start = ContinuousClock.now
        let timeline = RequestTimeline(start: start)
        // The tile the lookup rendered is deducted before the lookup itself is recorded.
        timeline.deduct(.milliseconds(7), from: .cache)
        timeline.record(.cache, from: start, to: start + .milliseconds(10))
        #expect(timeline.summary[.cache].total == .milliseconds(3))
        timeline.deduct(.milliseconds(20), from: .cache)
        #expect(timeline.summary[.cache].total == .zero)
    }

    @Test func theOutcomeThatStandsForMostWorkIsKept() {
        let timeline = RequestTimeline()
        #expect(timeline.summary.cache == .none)
        timeline.noteCache(.rendered)
        timeline.noteCache(.hit)
        #expect(timeline.summary.cache == .rendered)
        timeline.notePassThrough()
        timeline.notePassThrough()
        #expect(timeline.summary.tilesPassedThrough == 2)
        #expect(timeline.summary.requestProtocol == .other)
        timeline.setProtocol(.iiif3)
        #expect(timeline.summary.requestProtocol == .iiif3)
    }

    @Test func measureCountsTheBodysTimeAndPassesItsErrorThrough() async {
        let timeline = RequestTimeline()
        #expect(throws: ImagingError.noSuchTile(3)) {
            try timeline.measure(.decode) { () throws(ImagingError) in throw .noSuchTile(3) }
        }
        let value = await timeline.measure(.open) { () async -> Int in
            try? await Task.sleep(for: .milliseconds(2))
            return 42
        }
        #expect(value == 42)
        #expect(timeline.summary[.decode].count == 1)
        #expect(timeline.summary[.open].total >= .milliseconds(2))
    }
}
