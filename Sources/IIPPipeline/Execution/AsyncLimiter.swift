import DequeModule

/// A counting semaphore for async code: at most `permits` holders at a time, at most `maxQueued` others waiting in
/// order, and past that a refusal at once.
///
/// Bounds memory-heavy work such as region exports, whose decoded pixels are held until encoded. The bound on the
/// waiting matters as much as the one on the holders: every waiter is a request that holds one of the pipeline's
/// admission slots, so an unbounded queue lets a flood of exports take every slot and starve the tiles.
package actor AsyncLimiter {
    /// What ``acquire()`` got.
    package enum Grant: Sendable, Equatable {
        /// A slot: the caller holds it and must ``release()`` it.
        case acquired
        /// Every slot held and the queue full: refused at once, nothing held.
        case refused
        /// The caller's task was cancelled before or while it waited (its client left): it left the queue at once,
        /// nothing held.
        case cancelled
    }

    /// One caller waiting for a slot.
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private let permits: Int
    private let maxQueued: Int
    private var available: Int
    private var waiters: Deque<Waiter> = []
    private var nextWaiter: UInt64 = 0
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

    /// Waits for a slot, in arrival order.
    ///
    /// A caller whose task is cancelled while it waits leaves the queue at once, so the callers behind it move up
    /// and the queue's bound counts only callers still wanted.
    package func acquire() async -> Grant {
        if available > 0 {
            available -= 1
            report()
            return .acquired
        }
        guard waiters.count < maxQueued else {
            metrics?.rejected.increment()
            return .refused
        }
        if Task.isCancelled { return .cancelled }
        let id = nextWaiter
        nextWaiter &+= 1
        // The continuation is queued in this same actor turn; the cancellation hops to the actor after it, so it
        // finds the waiter unless a release handed it a slot first.
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation))
                report()
            }
        } onCancel: {
            Task { await self.leave(id) }
        }
        return granted ? .acquired : .cancelled
    }

    /// Takes the waiter `id` out of the queue, if a slot has not reached it yet, and tells it so.
    private func leave(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
        report()
    }

    /// Frees a slot, handing it to the longest waiter if any.
    package func release() {
        if let next = waiters.popFirst() {
            next.continuation.resume(returning: true)
        } else {
            available += 1
            if available == permits { onIdle?() }
        }
        report()
    }

    /// Runs `body` holding a slot.
    ///
    /// - Throws: ``Interruption/exportsBusy`` at once when the queue is full; `CancellationError` when the task was
    ///   cancelled before it got a slot; whatever `body` throws.
    package func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        switch await acquire() {
        case .acquired: break
        case .refused: throw Interruption.exportsBusy
        case .cancelled: throw CancellationError()
        }
        defer { release() }
        return try await body()
    }

    private func report() {
        guard let metrics else { return }
        metrics.running.record(permits - available)
        metrics.queued.record(waiters.count)
    }
}
