package import Logging
import NIOConcurrencyHelpers

/// The log line for requests refused with 503 because the pipeline is full: at most one a second, with how many
/// were refused since the last, so that a flood is visible in the log without flooding it.
package final class BusyReport: Sendable {
    private struct State {
        var last: ContinuousClock.Instant?
        var refused = 0
    }

    private let state = NIOLockedValueBox(State())
    private let interval: Duration
    private let message: Logger.Message

    /// Creates the report; at most one line per `interval`.
    ///
    /// - Parameter message: The log line; the default names the admission bound.
    package init(
        interval: Duration = .seconds(1),
        message: Logger.Message =
            "server busy: requests answered 503 (MAX_REQUESTS_IN_FLIGHT and MAX_REQUESTS_QUEUED are full)"
    ) {
        self.interval = interval
        self.message = message
    }

    /// Counts one refusal and logs a line when the last one is at least `interval` old.
    package func refused(logger: Logger) {
        let now = ContinuousClock.now
        let count: Int? = state.withLockedValue { state in
            state.refused += 1
            if let last = state.last, now - last < interval { return nil }
            state.last = now
            defer { state.refused = 0 }
            return state.refused
        }
        guard let count else { return }
        logger.warning(message, metadata: ["refused": "\(count)"])
    }
}
