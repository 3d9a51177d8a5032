import NIOConcurrencyHelpers

/// Waiting for work that cannot be interrupted (a blocking call on another thread) for at most a given time.
package enum BoundedWait {
    /// The result of `work`, or `nil` when `limit` passes first. The work runs on after a `nil` and its result is
    /// dropped: the caller no longer waits for it.
    package static func result<T: Sendable>(
        within limit: Duration, of work: @escaping @Sendable () async -> T
    ) async -> T? {
        let slot = Slot<T>()
        return await withCheckedContinuation { continuation in
            slot.hold(continuation)
            let timer = Task {
                do {
                    try await Task.sleep(for: limit)
                    slot.resume(nil)
                } catch {}
            }
            Task {
                let value = await work()
                timer.cancel()
                slot.resume(value)
            }
        }
    }

    /// The continuation, resumed by whichever of the work and the timer comes first.
    private final class Slot<T: Sendable>: Sendable {
        private let continuation = NIOLockedValueBox<CheckedContinuation<T?, Never>?>(nil)

        func hold(_ waiting: CheckedContinuation<T?, Never>) {
            continuation.withLockedValue { $0 = waiting }
        }

        func resume(_ value: T?) {
            continuation.withLockedValue { $0.take() }?.resume(returning: value)
        }
    }
}
