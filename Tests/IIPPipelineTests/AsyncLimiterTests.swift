import NIOConcurrencyHelpers
import Testing

@testable import IIPPipeline

/// The region export bound (issue 14, item 5): MAX_EXPORTS_IN_FLIGHT holders, MAX_EXPORTS_QUEUED waiting, and a
/// refusal at once past that, so that waiting exports never take every admission slot from the tiles.
@Suite struct AsyncLimiterTests {
    /// Runs one export through `limiter` that waits at `gate`; its status as the server would answer it.
    static func export(_ limiter: AsyncLimiter, _ label: String, gate: Gate) async -> Int {
        do {
            return try await limiter.run {
                await gate.pass(label)
                return 200
            }
        } catch Interruption.exportsBusy {
            return 503
        } catch is CancellationError {
            return 499
        } catch {
            return 500
        }
    }

    // One runs, one waits, the third is refused without waiting; once the first finishes the waiter runs and the
    // queue has room again.
    @Test func refusesPastTheQueueAndAdmitsAgainOnceItDrains() async {
        let limiter = AsyncLimiter(permits: 1, maxQueued: 1)
        let gate = Gate()
        var arrivals = gate.arrivals.makeAsyncIterator()
        let first = Task { await Self.export(limiter, "first", gate: gate) }
        #expect(await arrivals.next() == "first")
        let second = Task { await Self.export(limiter, "second", gate: gate) }
        await eventually("second queued") { await limiter.occupancy == (1, 1) }

        // Full: refused at once, the gate still closed, nothing held.
        #expect(await Self.export(limiter, "third", gate: gate) == 503)
        #expect(await limiter.occupancy == (1, 1))

        await gate.open()
        #expect(await first.value == 200)
        #expect(await second.value == 200)
        #expect(await limiter.occupancy == (0, 0))
        #expect(await Self.export(limiter, "fourth", gate: gate) == 200)
    }

    // MAX_EXPORTS_QUEUED=0: nothing waits; a second export while one runs is refused.
    @Test func aQueueOfNoneRefusesTheSecond() async {
        let limiter = AsyncLimiter(permits: 1, maxQueued: 0)
        #expect(await limiter.acquire() == .acquired)
        #expect(await limiter.acquire() == .refused)
        #expect(await limiter.occupancy == (1, 0))
        await limiter.release()
        #expect(await limiter.acquire() == .acquired)
        await limiter.release()
        #expect(await limiter.occupancy == (0, 0))
    }

    // Without a bound (the default of the type) callers wait however many they are.
    @Test func unboundedByDefault() async {
        let limiter = AsyncLimiter(permits: 1)
        let gate = Gate()
        var arrivals = gate.arrivals.makeAsyncIterator()
        let holder = Task { await Self.export(limiter, "holder", gate: gate) }
        _ = await arrivals.next()
        let waiters = (0..<50).map { index in Task { await Self.export(limiter, "w\(index)", gate: gate) } }
        await eventually("50 waiting") { await limiter.occupancy.waiting == 50 }
        await gate.open()
        #expect(await holder.value == 200)
        for waiter in waiters { #expect(await waiter.value == 200) }
    }

    // An export whose client leaves while it waits (issue 16, item 2) leaves the queue at once: the one behind it
    // moves up, the queue has room for a new one, and the body of the one that left never runs.
    @Test func aCancelledWaiterLeavesTheQueueAtOnce() async {
        let limiter = AsyncLimiter(permits: 1, maxQueued: 2)
        let gate = Gate()
        var arrivals = gate.arrivals.makeAsyncIterator()
        let holder = Task { await Self.export(limiter, "holder", gate: gate) }
        #expect(await arrivals.next() == "holder")
        let gone = Task { await Self.export(limiter, "gone", gate: gate) }
        await eventually("gone queued") { await limiter.occupancy == (1, 1) }
        let next = Task { await Self.export(limiter, "next", gate: gate) }
        await eventually("next queued") { await limiter.occupancy == (1, 2) }

        gone.cancel()
        // Out of the queue while the holder still runs: it did not wait for its turn. (Checked before anything
        // awaits its answer, so that without the fix the test fails rather than hangs.)
        await eventually("gone left the queue") { await limiter.occupancy == (1, 1) }
        let late = Task { await Self.export(limiter, "late", gate: gate) }
        await eventually("late queued in the freed place") { await limiter.occupancy == (1, 2) }

        await gate.open()
        #expect(await gone.value == 499)
        #expect(await holder.value == 200)
        #expect(await next.value == 200)
        #expect(await late.value == 200)
        #expect(await arrivals.next() == "next")
        #expect(await arrivals.next() == "late")
        #expect(await limiter.occupancy == (0, 0))
    }

    // A task already cancelled when every slot is held does not queue at all; with a free slot it gets it (the body
    // decides what a cancelled task does with it).
    @Test func anAlreadyCancelledCallerDoesNotQueue() async {
        let limiter = AsyncLimiter(permits: 1, maxQueued: 4)
        #expect(await limiter.acquire() == .acquired)
        let answered = NIOLockedValueBox(false)
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            defer { answered.withLockedValue { $0 = true } }
            return await limiter.acquire()
        }
        // Answered while the slot is still held (without the check it would wait: the release below then ends the
        // test instead of a hang).
        await eventually("answered without waiting") { answered.withLockedValue { $0 } }
        #expect(await limiter.occupancy == (1, 0))
        await limiter.release()
        #expect(await late.value == .cancelled)
        if await limiter.occupancy.running == 1 { await limiter.release() }
        #expect(await limiter.occupancy == (0, 0))
    }
}
