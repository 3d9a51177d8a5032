import DequeModule
import Metrics
import Synchronization

/// The pipeline's front door: a bound on jobs in flight and on jobs waiting, with an immediate busy answer past it.
///
/// Frontends ``submit(_:busy:)`` requests. While fewer than `maxInFlight` jobs run, a job runs at once on the
/// submitting task; otherwise it waits in a first-in first-out queue of at most `maxQueued` jobs and takes the slot
/// of the next job to finish; past that it is answered at once with the `busy` response (503) and counted, rather
/// than queued without limit. ``run(_:)`` supplies the processing and lasts until ``finish()`` has been called and
/// every admitted job is done.
///
/// The first version handed every job through an `AsyncStream` to a consuming task group: two extra task switches
/// per request, which measured as a quarter of the throughput on cached tiles. Running admitted jobs on the
/// submitting task keeps the same bounds without the hops.
public final class PipelineIntake: Sendable {
    /// Answers one request.
    public typealias Processor = @Sendable (ServerRequest) async -> ServerResponse

    private enum Slot {
        case granted(Processor)
        case busy
        case abandoned
    }

    private struct Waiter {
        let id: UInt64
        let slot: CheckedContinuation<Slot, Never>
    }

    private struct State {
        var process: Processor?
        var running = 0
        var waiting: Deque<Waiter> = []
        var nextID: UInt64 = 0
        var finished = false
        var drained: CheckedContinuation<Void, Never>?

        var isDrained: Bool { finished && running == 0 && waiting.isEmpty }
    }

    private let state = Mutex(State())
    private let maxInFlight: Int
    private let maxQueued: Int
    private let rejected = Counter(label: "iip_requests_rejected_total")
    private let admitted = Counter(label: "iip_requests_total")

    /// Creates an intake.
    ///
    /// - Parameters:
    ///   - maxInFlight: Jobs processed at once.
    ///   - maxQueued: Jobs allowed to wait; 0 means none wait.
    public init(maxInFlight: Int, maxQueued: Int) {
        self.maxInFlight = max(maxInFlight, 1)
        self.maxQueued = max(maxQueued, 0)
    }

    /// Processes `request` once a slot is free and returns the response; answers `busy()` at once when the queue
    /// is full or the intake finished, and 499 when the submitter is cancelled while waiting.
    public func submit(_ request: ServerRequest, busy: @Sendable () -> ServerResponse) async -> ServerResponse {
        let slot = await acquire()
        switch slot {
        case .busy:
            rejected.increment()
            return busy()
        case .abandoned:
            return ServerResponse(status: 499)
        case .granted(let process):
            admitted.increment()
            let response = await process(request)
            release()
            return response
        }
    }

    private func acquire() async -> Slot {
        // Fast path: a free slot, no suspension.
        let immediate: Slot? = state.withLock { state in
            if state.finished { return .busy }
            if let process = state.process, state.running < maxInFlight, state.waiting.isEmpty {
                state.running += 1
                return .granted(process)
            }
            return nil
        }
        if let immediate { return immediate }

        let id = state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (slot: CheckedContinuation<Slot, Never>) in
                state.withLock { state in
                    if state.finished {
                        slot.resume(returning: .busy)
                    } else if let process = state.process, state.running < maxInFlight, state.waiting.isEmpty {
                        state.running += 1
                        slot.resume(returning: .granted(process))
                    } else if Task.isCancelled {
                        slot.resume(returning: .abandoned)
                    } else if state.waiting.count < maxQueued {
                        state.waiting.append(Waiter(id: id, slot: slot))
                    } else {
                        slot.resume(returning: .busy)
                    }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                let waiter = state.waiting.remove(at: index)
                if state.isDrained { Self.signalDrained(&state) }
                return waiter
            }
            waiter?.slot.resume(returning: .abandoned)
        }
    }

    /// Hands the finished job's slot to the longest waiter, or frees it.
    private func release() {
        state.withLock { state in
            if let process = state.process, let next = state.waiting.popFirst() {
                next.slot.resume(returning: .granted(process))
                return
            }
            state.running -= 1
            if state.isDrained { Self.signalDrained(&state) }
        }
    }

    private static func signalDrained(_ state: inout State) {
        state.drained?.resume()
        state.drained = nil
    }

    /// Jobs waiting for a slot, jobs running, and whether ``run(_:)`` has started: for tests that must know where
    /// a job is before they go on.
    package var occupancy: (waiting: Int, running: Int, started: Bool) {
        state.withLock { ($0.waiting.count, $0.running, $0.process != nil) }
    }

    /// Processes jobs with `process` until ``finish()`` is called and every admitted job is done.
    public func run(_ process: @escaping Processor) async {
        let granted = state.withLock { state -> [Waiter] in
            state.process = process
            var granted: [Waiter] = []
            while state.running < maxInFlight, let next = state.waiting.popFirst() {
                state.running += 1
                granted.append(next)
            }
            return granted
        }
        for waiter in granted { waiter.slot.resume(returning: .granted(process)) }
        await withCheckedContinuation { (drained: CheckedContinuation<Void, Never>) in
            state.withLock { state in
                if state.isDrained {
                    drained.resume()
                } else {
                    state.drained = drained
                }
            }
        }
    }

    /// Stops accepting jobs; ``run(_:)`` returns once the admitted ones are done. Jobs still waiting when nothing
    /// will ever process them (``run(_:)`` never started) are answered busy.
    public func finish() {
        let orphans = state.withLock { state -> Deque<Waiter> in
            state.finished = true
            var orphans: Deque<Waiter> = []
            if state.process == nil { swap(&orphans, &state.waiting) }
            if state.isDrained { Self.signalDrained(&state) }
            return orphans
        }
        for waiter in orphans { waiter.slot.resume(returning: .busy) }
    }
}
