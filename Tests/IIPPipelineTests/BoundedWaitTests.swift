import Synchronization
import Testing

@testable import IIPPipeline

/// Waiting for uninterruptible work at most a given time (the memcached lookups of issue 12).
@Suite struct BoundedWaitTests {
    @Test func returnsTheResultWhenTheWorkEndsFirst() async {
        let value = await BoundedWait.result(within: .seconds(60)) { 42 }
        #expect(value == 42)
    }

    @Test func givesUpAtTheLimitWhileTheWorkGoesOn() async throws {
        let finished = Flag()
        let (released, release) = AsyncStream.makeStream(of: Void.self)
        // The work waits for a signal sent only after the wait has given up.
        let value = await BoundedWait.result(within: .milliseconds(50)) {
            for await _ in released { break }
            finished.value.store(true, ordering: .relaxed)
            return 1
        }
        #expect(value == nil)
        #expect(!finished.isSet)
        release.yield()
        for _ in 0..<500 where !finished.isSet { try await Task.sleep(for: .milliseconds(10)) }
        #expect(finished.isSet, "the work ran to its end, unwaited for")
    }

    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .relaxed) }
    }
}
