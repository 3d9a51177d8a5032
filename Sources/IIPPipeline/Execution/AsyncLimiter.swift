import DequeModule

/// A counting semaphore for async code: at most `permits` holders at a time, the others wait in order.
///
/// Bounds memory-heavy work such as region exports, whose decoded pixels are held until encoded.
package actor AsyncLimiter {
    private let permits: Int
    private var available: Int
    private var waiters: Deque<CheckedContinuation<Void, Never>> = []
    private let onIdle: (@Sendable () -> Void)?

    /// Creates a limiter with `permits` slots (at least one).
    ///
    /// - Parameter onIdle: Called each time the last holder releases its slot with nobody waiting.
    package init(permits: Int, onIdle: (@Sendable () -> Void)? = nil) {
        self.permits = max(permits, 1)
        available = self.permits
        self.onIdle = onIdle
    }

    /// Whether anyone is waiting for a slot.
    package var hasWaiters: Bool { !waiters.isEmpty }

    /// Waits for a slot.
    package func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it to the longest waiter if any.
    package func release() {
        if let next = waiters.popFirst() {
            next.resume()
        } else {
            available += 1
            if available == permits { onIdle?() }
        }
    }

    /// Runs `body` holding a slot.
    package func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }
}
