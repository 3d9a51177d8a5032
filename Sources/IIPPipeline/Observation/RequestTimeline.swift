import NIOConcurrencyHelpers

/// What one request spent its time on, stage by stage, with the facts its metrics, `Server-Timing` header, access
/// log line and trace are made of. Made once per request, and only when one of those is on.
///
/// The request's task carries it as ``current``; work sent to the codec threads (where task-locals do not exist)
/// is handed it explicitly. Stages may be measured from several threads at once (an export decodes its tiles in
/// parallel): each stage keeps its first start and the sum of its durations.
public final class RequestTimeline: Sendable {
    /// The timeline of the request the current task is answering, when one is being observed.
    @TaskLocal public static var current: RequestTimeline?

    /// The time of one stage.
    public struct StageTime: Sendable, Equatable {
        /// When the stage first started, from the request's start.
        public var offset: Duration = .zero
        /// Its durations, summed.
        public var total: Duration = .zero
        /// How many times it ran (0: not at all).
        public var count = 0
    }

    /// What the request did, read once it is answered.
    public struct Summary: Sendable {
        /// Each stage's time, indexed by ``RequestStage/rawValue``.
        public var stages: [StageTime]
        /// The request's protocol.
        public var requestProtocol: RequestProtocol
        /// Where its tile came from.
        public var cache: CacheOutcome
        /// Tiles sent as stored (codec pass-through).
        public var tilesPassedThrough: Int

        /// The time of `stage`.
        public subscript(stage: RequestStage) -> StageTime { stages[stage.rawValue] }
    }

    /// When the request reached the server.
    public let start: ContinuousClock.Instant
    private let state: NIOLockedValueBox<Summary>

    /// Starts a timeline at `start`.
    public init(start: ContinuousClock.Instant = .now) {
        self.start = start
        state = NIOLockedValueBox(
            Summary(
                stages: Array(repeating: StageTime(), count: RequestStage.allCases.count), requestProtocol: .other,
                cache: .none, tilesPassedThrough: 0))
    }

    /// Runs `body` and counts its time as `stage`.
    public func measure<T, Failure: Error>(_ stage: RequestStage, _ body: () throws(Failure) -> T) throws(Failure)
        -> T
    {
        let began = ContinuousClock.now
        defer { record(stage, from: began, to: .now) }
        return try body()
    }

    /// Runs `body` and counts its time as `stage`.
    public func measure<T, Failure: Error>(
        _ stage: RequestStage, _ body: () async throws(Failure) -> T
    ) async throws(Failure) -> T {
        let began = ContinuousClock.now
        defer { record(stage, from: began, to: .now) }
        return try await body()
    }

    /// Counts `from` to `to` as time spent in `stage`.
    public func record(_ stage: RequestStage, from: ContinuousClock.Instant, to: ContinuousClock.Instant) {
        let offset = from - start
        state.withLockedValue { summary in
            var time = summary.stages[stage.rawValue]
            if time.count == 0 || offset < time.offset { time.offset = offset }
            time.total += to - from
            time.count += 1
            summary.stages[stage.rawValue] = time
        }
    }

    /// Takes away `duration` from `stage`, before or after the stage is recorded: time a measured stage spent in
    /// others it contains (a cache lookup that rendered the tile itself).
    public func deduct(_ duration: Duration, from stage: RequestStage) {
        state.withLockedValue { $0.stages[stage.rawValue].total -= duration }
    }

    /// Sets the request's protocol.
    public func setProtocol(_ requestProtocol: RequestProtocol) {
        state.withLockedValue { $0.requestProtocol = requestProtocol }
    }

    /// Notes where a tile came from; the outcome that stands for the most work is kept.
    public func noteCache(_ outcome: CacheOutcome) {
        state.withLockedValue { $0.cache = max($0.cache, outcome) }
    }

    /// Counts a tile sent as stored.
    public func notePassThrough() {
        state.withLockedValue { $0.tilesPassedThrough += 1 }
    }

    /// What has been recorded so far.
    public var summary: Summary {
        var summary = state.withLockedValue { $0 }
        for index in summary.stages.indices where summary.stages[index].total < .zero {
            summary.stages[index].total = .zero
        }
        return summary
    }
}
