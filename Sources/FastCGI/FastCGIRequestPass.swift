import Synchronization

/// A request's place among the FastCGI requests worked on at once (``FastCGIServerConfiguration/maxRequestsInFlight``).
///
/// The server gives it back when the request's handler returns. A handler about to wait on a bound of its own (a
/// region export waiting for an export slot) gives it back earlier through ``current``, so that a flood of such
/// requests does not hold every place while requests behind them could be answered.
public final class FastCGIRequestPass: Sendable {
    /// The pass of the request the current task answers, when the server bounds its requests in flight.
    @TaskLocal public static var current: FastCGIRequestPass?

    private let gate: FastCGIRequestGate
    private let givenBack = Atomic(false)

    init(gate: FastCGIRequestGate) {
        self.gate = gate
    }

    /// Gives the place to the next waiting request. Calling it again does nothing.
    public func giveBack() {
        guard !givenBack.exchange(true, ordering: .acquiringAndReleasing) else { return }
        gate.leave()
    }
}
