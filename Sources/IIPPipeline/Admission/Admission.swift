import DequeModule
import Metrics
import NIOConcurrencyHelpers

/// The pipeline's front door: a bound on requests in flight and on requests waiting, with an immediate busy answer
/// past it.
///
/// While fewer than `maxInFlight` requests run, a request runs at once on the task that submitted it; otherwise it
/// waits in a first-in first-out queue of at most `maxQueued` and takes the slot of the next one to finish; past
/// that it is refused at once (``Interruption/busy``, answered 503) and counted, rather than queued without limit.
///
/// The first version handed every request through an `AsyncStream` to a consuming task group: two extra task
/// switches per request, which measured as a quarter of the throughput on cached tiles. Admitting on the
/// submitting task keeps the same bounds without the hops.
package final class Admission: Sendable {
    private enum Slot {
        case granted
        case busy
        case abandoned
    }

    private struct Waiter {
        let id: UInt64
        let slot: CheckedContinuation<Slot, Never>
    }

    private struct State {
        var running = 0
        var waiting: Deque<Waiter> = []
        var nextID: UInt64 = 0
        /// Admitted requests that stepped aside (``AdmissionTicket/stepAside()``) and have not finished.
        var detached = 0
        var finished = false
        var drainAnnounced = false
        var drained: CheckedContinuation<Void, Never>?

        var isDrained: Bool { finished && running == 0 && waiting.isEmpty && detached == 0 }
    }

    private let state = NIOLockedValueBox(State())
    private let maxInFlight: Int
    private let maxQueued: Int
    private let rejected = Counter(label: "iip_requests_rejected_total")
    private let admitted = Counter(label: "iip_requests_admitted_total")
    private let inFlightGauge = Gauge(label: "iip_requests_in_flight")
    private let queuedGauge = Gauge(label: "iip_requests_queued")

    /// Creates an admission bound.
    ///
    /// - Parameters:
    ///   - maxInFlight: Requests processed at once.
    ///   - maxQueued: Requests allowed to wait; 0 means none wait.
    package init(maxInFlight: Int, maxQueued: Int) {
        self.maxInFlight = max(maxInFlight, 1)
        self.maxQueued = max(maxQueued, 0)
    }

    /// Runs `body` once a slot is free and returns what it returns. While it runs, ``AdmissionTicket/current`` lets
    /// it give the slot up early.
    ///
    /// - Throws: ``Interruption/busy`` at once when the queue is full or admission has finished;
    ///   ``Interruption/cancelled`` when the caller is cancelled while waiting; whatever `body` throws.
    package func admit<Output>(
        _ body: () async throws(Interruption) -> Output
    ) async throws(Interruption) -> Output {
        switch await acquire() {
        case .busy:
            rejected.increment()
            throw .busy
        case .abandoned:
            throw .cancelled
        case .granted:
            admitted.increment()
            report()
            let ticket = AdmissionTicket(admission: self)
            defer {
                if ticket.hasSteppedAside { finishDetached() } else { release() }
                report()
            }
            // TaskLocal.withValue is not typed-throws: the outcome comes out as a value.
            let outcome = await AdmissionTicket.$current.withValue(ticket) { () async -> Result<Output, Interruption> in
                do throws(Interruption) {
                    return .success(try await body())
                } catch {
                    return .failure(error)
                }
            }
            return try outcome.get()
        }
    }

    /// Publishes the requests running and waiting as gauges.
    private func report() {
        let (waiting, running) = occupancy
        inFlightGauge.record(running)
        queuedGauge.record(waiting)
    }

    private func acquire() async -> Slot {
        // Fast path: a free slot, no suspension.
        let immediate: Slot? = state.withLockedValue { state in
            if state.finished { return .busy }
            if state.running < maxInFlight, state.waiting.isEmpty {
                state.running += 1
                return .granted
            }
            return nil
        }
        if let immediate { return immediate }

        let id = state.withLockedValue { state in
            state.nextID &+= 1
            return state.nextID
        }
        // Continuations are resumed only after the lock is released, here and everywhere below. Resuming takes the
        // task's status lock, and cancelling a task holds that lock while its cancellation handler (which takes this
        // lock) runs: resuming under this lock deadlocked a server at 1,000 connections (event loops cancelling
        // requests of closed connections against a request releasing its slot).
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (slot: CheckedContinuation<Slot, Never>) in
                let answer: Slot? = state.withLockedValue { state in
                    if state.finished {
                        return .busy
                    } else if state.running < maxInFlight, state.waiting.isEmpty {
                        state.running += 1
                        return .granted
                    } else if Task.isCancelled {
                        return .abandoned
                    } else if state.waiting.count < maxQueued {
                        state.waiting.append(Waiter(id: id, slot: slot))
                        return nil
                    } else {
                        return .busy
                    }
                }
                if let answer { slot.resume(returning: answer) }
            }
        } onCancel: {
            let (waiter, drained) = state.withLockedValue { state -> (Waiter?, CheckedContinuation<Void, Never>?) in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return (nil, nil) }
                let waiter = state.waiting.remove(at: index)
                return (waiter, Self.takeDrained(&state))
            }
            waiter?.slot.resume(returning: .abandoned)
            drained?.resume()
        }
    }

    /// Hands the finished request's slot to the longest waiter, or frees it.
    private func release() {
        let (next, drained) = state.withLockedValue { state -> (Waiter?, CheckedContinuation<Void, Never>?) in
            if let next = state.waiting.popFirst() {
                return (next, nil)
            }
            state.running -= 1
            return (nil, Self.takeDrained(&state))
        }
        next?.slot.resume(returning: .granted)
        drained?.resume()
    }

    /// Hands the slot of a request that steps aside to the longest waiter, or frees it; the request counts as
    /// detached until ``finishDetached()``.
    func detach() {
        let next = state.withLockedValue { state -> Waiter? in
            state.detached += 1
            if let next = state.waiting.popFirst() {
                return next
            }
            state.running -= 1
            return nil
        }
        next?.slot.resume(returning: .granted)
        report()
    }

    /// Notes that a request that stepped aside has finished.
    private func finishDetached() {
        let drained = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.detached -= 1
            return Self.takeDrained(&state)
        }
        drained?.resume()
    }

    /// The continuation of ``drained()`` when everything is done, taken out of `state` to be resumed once the lock is
    /// released.
    private static func takeDrained(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        guard state.isDrained else { return nil }
        defer { state.drained = nil }
        return state.drained
    }

    /// Requests waiting for a slot and requests running: for tests that must know where a request is before they
    /// go on.
    package var occupancy: (waiting: Int, running: Int) {
        state.withLockedValue { ($0.waiting.count, $0.running) }
    }

    /// Admitted requests that stepped aside (``AdmissionTicket/stepAside()``) and have not finished: region exports
    /// waiting for or holding an export slot. For tests that must know where a request is.
    package var detached: Int {
        state.withLockedValue { $0.detached }
    }

    /// Returns once ``finish()`` has been called and every admitted request is done.
    package func drained() async {
        await withCheckedContinuation { (drained: CheckedContinuation<Void, Never>) in
            let isDrained = state.withLockedValue { state in
                if !state.isDrained { state.drained = drained }
                return state.isDrained
            }
            if isDrained { drained.resume() }
        }
    }

    /// Stops admitting: new requests are refused busy, queued and running ones finish.
    package func finish() {
        let drained = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            return Self.takeDrained(&state)
        }
        drained?.resume()
    }

    /// Whether ``finish()`` has been called: the server is draining.
    package var isFinished: Bool { state.withLockedValue { $0.finished } }

    /// Records that a drain has begun, before ``finish()``: requests are still admitted.
    package func announceDrain() {
        state.withLockedValue { $0.drainAnnounced = true }
    }

    /// Whether a drain has begun: announced (``announceDrain()``) or admission finished.
    package var isDraining: Bool { state.withLockedValue { $0.drainAnnounced || $0.finished } }
}

/// A stage chain behind ``Admission``: the bound applies to everything the chain does.
package struct Admitted<Inner: PipelineStage>: PipelineStage {
    let admission: Admission
    let inner: Inner

    /// Runs `inner` for `input` once admitted.
    @inline(__always)
    package func run(_ input: Inner.Input) async throws(Interruption) -> Inner.Output {
        try await admission.admit { () async throws(Interruption) -> Inner.Output in try await inner.run(input) }
    }
}
