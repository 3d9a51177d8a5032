import NIOConcurrencyHelpers

/// Waiting for work that cannot be interrupted (a blocking call on another thread) for at most a given time.
package enum BoundedWait {
    /// The result of `work`, or `nil` when `limit` passes first. The work runs on after a `nil` and its result is
    /// dropped: the caller no longer waits for it.
    package static func result<T: Sendable>(
        within limit: Duration, of work: @escaping @Sendable () async -> T
    ) async -> T? {
        let slot = Slot<T>()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
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
        return slot.value
    }

    /// The continuation, resumed by whichever of the work and the timer comes first, and the value it came with.
    ///
    /// The value is kept under the slot's lock rather than passed in the continuation: a continuation resumed before
    /// its task suspended hands over its value without an edge ThreadSanitizer sees (swiftlang/swift#57803).
    private final class Slot<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Void, Never>?
            var value: T?
        }

        private let state = NIOLockedValueBox(State())

        func hold(_ waiting: CheckedContinuation<Void, Never>) {
            state.withLockedValue { $0.continuation = waiting }
        }

        /// Resumes the waiting caller with `value`, unless the other side did first.
        func resume(_ value: T?) {
            let waiting = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
                guard let waiting = state.continuation.take() else { return nil }
                state.value = value
                return waiting
            }
            waiting?.resume()
        }

        /// The value the caller was resumed with.
        var value: T? {
            state.withLockedValue { $0.value }
        }
    }
}
