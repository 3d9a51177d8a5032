import DequeModule

/// A counting semaphore for async code: at most `permits` holders at a time, at most `maxQueued` others waiting in
/// order, and past that a refusal at once.
///
/// Bounds memory-heavy work such as region exports, whose decoded pixels are held until encoded. The bound on the
/// waiting matters as much as the one on the holders: every waiter is a request that holds one of the pipeline's
/// admission slots, so an unbounded queue lets a flood of exports take every slot and starve the tiles.
package actor AsyncLimiter {
    private let permits: Int
    private let maxQueued: Int
    private var available: Int
    private var waiters: Deque<CheckedContinuation<Void, Never>> = []
    private let metrics: LimiterMetrics?
    private let onIdle: (@Sendable () -> Void)?

    /// Creates a limiter with `permits` slots (at least one).
    ///
    /// - Parameters:
    ///   - maxQueued: Callers allowed to wait for a slot (at least 0); the next one is refused. Unbounded by default.
    ///   - metrics: Where the holders, the waiters and the refusals are published, if anywhere.
    ///   - onIdle: Called each time the last holder releases its slot with nobody waiting.
    package init(
        permits: Int, maxQueued: Int = .max, metrics: LimiterMetrics? = nil, onIdle: (@Sendable () -> Void)? = nil
    ) {
        self.permits = max(permits, 1)
        self.maxQueued = max(maxQueued, 0)
        available = self.permits
        self.metrics = metrics
        self.onIdle = onIdle
    }

    /// Whether anyone is waiting for a slot.
    package var hasWaiters: Bool { !waiters.isEmpty }

    /// Callers holding a slot and callers waiting for one: for tests that must know where a caller is before they go
    /// on.
    package var occupancy: (running: Int, waiting: Int) { (permits - available, waiters.count) }

    /// Waits for a slot.
    ///
    /// - Returns: false, at once, when every slot is held and `maxQueued` callers already wait; the caller then holds
    ///   nothing and must not call ``release()``.
    package func acquire() async -> Bool {
        if available > 0 {
            available -= 1
            report()
            return true
        }
        guard waiters.count < maxQueued else {
            metrics?.rejected.increment()
            return false
        }
        await withCheckedContinuation {
            waiters.append($0)
            report()
        }
        return true
    }

    /// Frees a slot, handing it to the longest waiter if any.
    package func release() {
        if let next = waiters.popFirst() {
            next.resume()
        } else {
            available += 1
            if available == permits { onIdle?() }
        }
        report()
    }

    /// Runs `body` holding a slot.
    ///
    /// - Throws: ``Interruption/exportsBusy`` at once when the queue is full; whatever `body` throws.
    package func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        guard await acquire() else { throw Interruption.exportsBusy }
        defer { release() }
        return try await body()
    }

    private func report() {
        guard let metrics else { return }
        metrics.running.record(permits - available)
        metrics.queued.record(waiters.count)
    }
}
