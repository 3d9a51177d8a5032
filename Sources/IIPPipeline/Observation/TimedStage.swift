/// A stage whose time is counted as a ``RequestStage`` of the current request's ``RequestTimeline``, when the
/// request is observed; otherwise the stage itself, with no clock read.
package struct TimedStage<Inner: PipelineStage>: PipelineStage {
    let stage: RequestStage
    let inner: Inner

    /// Runs the inner stage, timed when the request has a timeline.
    @inline(__always)
    package func run(_ input: Inner.Input) async throws(Interruption) -> Inner.Output {
        guard let timeline = RequestTimeline.current else { return try await inner.run(input) }
        return try await timeline.measure(stage) { () async throws(Interruption) -> Inner.Output in
            try await inner.run(input)
        }
    }
}

extension PipelineStage {
    /// This stage, its time counted as `stage` in the request's timeline.
    package func timed(_ stage: RequestStage) -> TimedStage<Self> {
        TimedStage(stage: stage, inner: self)
    }
}
