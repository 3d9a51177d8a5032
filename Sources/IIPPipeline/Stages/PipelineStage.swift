/// One step of the pipeline: a typed input to a typed output, or an ``Interruption`` that ends the request early.
///
/// Stages are values composed with ``then(_:)`` into one chain whose type spells the order they run in. A chain is
/// applied to each request on the task that received it: composition adds no task, queue or hop, so a cached tile
/// costs what its stages cost.
package protocol PipelineStage<Input, Output>: Sendable {
    /// What the stage takes.
    associatedtype Input: Sendable
    /// What the stage gives the next one.
    associatedtype Output: Sendable

    /// Runs the stage for one request.
    func run(_ input: Input) async throws(Interruption) -> Output
}

extension PipelineStage {
    /// This stage followed by `next`, which takes this stage's output.
    package func then<Next: PipelineStage>(_ next: Next) -> StageChain<Self, Next> where Next.Input == Output {
        StageChain(first: self, second: next)
    }
}

/// Two stages run one after the other on the same task.
package struct StageChain<First: PipelineStage, Second: PipelineStage>: PipelineStage
where First.Output == Second.Input {
    let first: First
    let second: Second

    /// Runs `first`, then `second` on its output.
    @inline(__always)
    package func run(_ input: First.Input) async throws(Interruption) -> Second.Output {
        try await second.run(try await first.run(input))
    }
}
