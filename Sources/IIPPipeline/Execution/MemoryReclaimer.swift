import CIIPShims
import NIOConcurrencyHelpers

/// Hands the memory that region exports freed back to the system once no export is running, at most once per
/// interval (MEMORY_TRIM_INTERVAL).
///
/// An export holds megabytes of pixels (decoded tiles, the composed region, the resized picture) until it is encoded.
/// glibc keeps such freed blocks in its per-thread arenas for reuse, so after a burst of exports the resident size
/// stays at the burst's peak although nothing is live. `malloc_trim` returns those pages. It walks every arena, so
/// it runs on the codec threads, never on the cooperative pool, and not more often than the interval.
final class MemoryReclaimer: Sendable {
    private struct State {
        var lastTrim: ContinuousClock.Instant?
        /// A trim is scheduled for the end of the current interval.
        var pending = false
    }

    private let interval: Duration
    private let executor: CodecExecutor
    private let trim: @Sendable () -> Void
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - interval: The shortest time between two trims; zero or less disables trimming.
    ///   - trim: What trimming does: `malloc_trim(0)` unless a test observes it.
    init(
        interval: Duration, executor: CodecExecutor,
        trim: @escaping @Sendable () -> Void = { _ = iip_release_free_memory() }
    ) {
        self.interval = interval
        self.executor = executor
        self.trim = trim
    }

    /// Notes that the last running export finished. Trims at once when the interval has passed since the last trim;
    /// otherwise schedules one trim for the end of the interval, so that the memory of a burst that ended early is
    /// returned too.
    ///
    /// - Returns: Whether a trim was scheduled (false when one is already pending, or trimming is off).
    @discardableResult
    func exportsWentIdle() -> Bool {
        guard interval > .zero else { return false }
        let now = ContinuousClock.now
        let due: ContinuousClock.Instant? = state.withLockedValue { state in
            if state.pending { return nil }
            if let previous = state.lastTrim, now - previous < interval {
                state.pending = true
                return previous + interval
            }
            state.lastTrim = now
            return now
        }
        guard let due else { return false }
        // The export that went idle last may belong to a client that left: the trim belongs to nobody.
        Task { [self] in
            await ClientPresence.$current.withValue(.always) { await trimWhenDue(due, now: now) }
        }
        return true
    }

    private func trimWhenDue(_ due: ContinuousClock.Instant, now: ContinuousClock.Instant) async {
        if due > now {
            try? await Task.sleep(until: due, clock: .continuous)
            state.withLockedValue { state in
                state.pending = false
                state.lastTrim = .now
            }
        }
        _ = try? await executor.run(trim)
    }
}
