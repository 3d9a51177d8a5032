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
        #expect(await limiter.acquire())
        #expect(await !limiter.acquire())
        #expect(await limiter.occupancy == (1, 0))
        await limiter.release()
        #expect(await limiter.acquire())
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
}
