import NIOConcurrencyHelpers
import Testing

@testable import IIPPipeline

/// Returning freed export memory (MEMORY_TRIM_INTERVAL): the limiter reports when exports go idle, and the
/// reclaimer trims at most once per interval, on the codec threads.
@Suite("Memory reclaimer")
struct MemoryReclaimerTests {
    @Test func theLimiterReportsIdleOnlyWhenTheLastHolderLeaves() async throws {
        let idle = NIOLockedValueBox(0)
        let limiter = AsyncLimiter(permits: 2) { idle.withLockedValue { $0 += 1 } }
        #expect(await limiter.acquire() == .acquired)
        #expect(await limiter.acquire() == .acquired)
        await limiter.release()
        #expect(idle.withLockedValue { $0 } == 0)
        await limiter.release()
        #expect(idle.withLockedValue { $0 } == 1)
        _ = try await limiter.run { 42 }
        #expect(idle.withLockedValue { $0 } == 2)
    }

    @Test func aWaiterTakingTheSlotIsNotIdle() async {
        let idle = NIOLockedValueBox(0)
        let limiter = AsyncLimiter(permits: 1) { idle.withLockedValue { $0 += 1 } }
        #expect(await limiter.acquire() == .acquired)
        async let second = limiter.acquire()
        // Let the second caller queue up behind the first.
        while await !limiter.hasWaiters { await Task.yield() }
        await limiter.release()
        #expect(await second == .acquired)
        #expect(idle.withLockedValue { $0 } == 0)
        await limiter.release()
        #expect(idle.withLockedValue { $0 } == 1)
    }

    @Test func trimsAtMostOncePerInterval() async throws {
        let executor = CodecExecutor(threadCount: 1)
        let trims = NIOLockedValueBox(0)
        let reclaimer = MemoryReclaimer(interval: .seconds(3600), executor: executor) {
            trims.withLockedValue { $0 += 1 }
        }
        // The first trims at once, the second schedules one for the end of the hour, the rest add nothing.
        let scheduled = (0..<5).map { _ in reclaimer.exportsWentIdle() }
        #expect(scheduled == [true, true, false, false, false])
        try await waitUntil { trims.withLockedValue { $0 } == 1 }
        await executor.shutdown()
    }

    @Test func zeroDisablesTrimming() async {
        let executor = CodecExecutor(threadCount: 1)
        let reclaimer = MemoryReclaimer(interval: .zero, executor: executor) {}
        #expect(!reclaimer.exportsWentIdle())
        await executor.shutdown()
    }

    // A burst that ends within the interval still gets its trim, at the interval's end.
    @Test func theEndOfABurstIsTrimmedLater() async throws {
        let executor = CodecExecutor(threadCount: 1)
        let trims = NIOLockedValueBox(0)
        let reclaimer = MemoryReclaimer(interval: .milliseconds(30), executor: executor) {
            trims.withLockedValue { $0 += 1 }
        }
        #expect(reclaimer.exportsWentIdle())
        #expect(reclaimer.exportsWentIdle())
        try await waitUntil { trims.withLockedValue { $0 } == 2 }
        await executor.shutdown()
    }

    @Test func aShortIntervalTrimsAgain() async throws {
        let executor = CodecExecutor(threadCount: 1)
        let trims = NIOLockedValueBox(0)
        let reclaimer = MemoryReclaimer(interval: .milliseconds(1), executor: executor) {
            trims.withLockedValue { $0 += 1 }
        }
        #expect(reclaimer.exportsWentIdle())
        try await Task.sleep(for: .milliseconds(20))
        #expect(reclaimer.exportsWentIdle())
        try await waitUntil { trims.withLockedValue { $0 } == 2 }
        await executor.shutdown()
    }

    private func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        for _ in 0..<1000 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition())
    }
}
