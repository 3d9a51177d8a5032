import NIOConcurrencyHelpers

/// A job in the ``CodecJobQueue``, run at most once by whichever thread takes it.
protocol CodecWork: AnyObject, Sendable {
    /// Runs the job and resumes its caller, unless it was abandoned first.
    func runIfWaiting()
}

/// One call of ``CodecExecutor/run(_:)``: the work, and the caller waiting for its result.
///
/// The caller's cancellation and a codec thread race for it; exactly one wins. A job abandoned before it started
/// resumes its caller with `CancellationError` and is skipped when a thread reaches it; a running job finishes. A
/// thread that takes a job whose client has gone (`isWanted`) drops it the same way.
///
/// The result does not travel in the continuation: the thread stores it under the job's lock and resumes the caller
/// with nothing, and the caller takes it under the same lock. A continuation resumed before its task has suspended
/// hands over its value without an edge ThreadSanitizer can see (swiftlang/swift#57803), so the decoded or encoded
/// bytes a codec thread wrote would look unsynchronized to it; the lock is an edge every tool sees.
final class CodecJob<T: Sendable>: CodecWork {
    private enum State {
        /// Created, its caller not yet suspended.
        case new
        /// In the queue, its caller suspended.
        case waiting(CheckedContinuation<Void, any Error>)
        /// Taken by a thread.
        case running
        /// Run: what the work returned, until the caller takes it.
        case finished(Result<T, any Error>)
        /// Run, and its result taken.
        case taken
        /// Its caller gave up before a thread took it.
        case abandoned
    }

    private let state = NIOLockedValueBox(State.new)
    private let work: @Sendable () -> Result<T, any Error>
    private let isWanted: @Sendable () -> Bool
    private let onDrop: @Sendable () -> Void

    /// A job that runs `work` on a codec thread.
    ///
    /// - Parameters:
    ///   - isWanted: Asked when a thread takes the job: false drops it (its caller gets `CancellationError`).
    ///   - onDrop: Called when the job is dropped, by ``abandon()`` or because it was no longer wanted.
    init(
        isWanted: @escaping @Sendable () -> Bool, onDrop: @escaping @Sendable () -> Void,
        _ work: @escaping @Sendable () -> Result<T, any Error>
    ) {
        self.work = work
        self.isWanted = isWanted
        self.onDrop = onDrop
    }

    /// Keeps the suspended caller's continuation.
    ///
    /// - Returns: false when the job was abandoned first; the continuation has then been resumed with
    ///   `CancellationError` and the job must not be queued.
    func hold(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let abandoned = state.withLockedValue { state -> Bool in
            if case .abandoned = state { return true }
            state = .waiting(continuation)
            return false
        }
        if abandoned { continuation.resume(throwing: CancellationError()) }
        return !abandoned
    }

    /// Gives up the job unless a thread has taken it.
    ///
    /// - Returns: Whether a waiting caller was resumed with `CancellationError` (the job was dropped from the queue).
    @discardableResult
    func abandon() -> Bool {
        let waiting = state.withLockedValue { state -> CheckedContinuation<Void, any Error>? in
            switch state {
            case .new:
                state = .abandoned
                return nil
            case .waiting(let continuation):
                state = .abandoned
                return continuation
            case .running, .finished, .taken, .abandoned:
                return nil
            }
        }
        guard let waiting else { return false }
        onDrop()
        waiting.resume(throwing: CancellationError())
        return true
    }

    func runIfWaiting() {
        let wanted = isWanted()
        let waiting = state.withLockedValue { state -> CheckedContinuation<Void, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = wanted ? .running : .abandoned
            return continuation
        }
        guard let waiting else { return }
        guard wanted else {
            onDrop()
            waiting.resume(throwing: CancellationError())
            return
        }
        let result = work()
        state.withLockedValue { $0 = .finished(result) }
        waiting.resume()
    }

    /// What the work returned, once the caller has been resumed without an error; taken once.
    func result() throws -> T {
        let result = state.withLockedValue { state -> Result<T, any Error>? in
            guard case .finished(let result) = state else { return nil }
            state = .taken
            return result
        }
        guard let result else { preconditionFailure("a codec job's result was asked for before it ran, or twice") }
        return try result.get()
    }
}
