import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import IIPPipeline

/// The codec threads: results and errors handed back, the order of the two queues, cancellation of a waiting job,
/// shutdown (architecture: blocking C calls run on a pool of their own, never on the cooperative pool).
@Suite struct CodecExecutorTests {
    @Test func bytesWrittenOnACodecThreadAreHandedBackWhole() async throws {
        // Tiny jobs often end before their caller has suspended: the result then skips the runtime's scheduling.
        // Under ThreadSanitizer (.ci/sanitizers) this fails unless the hand-over is an edge it sees (CodecJob).
        let executor = CodecExecutor(threadCount: 2)
        for round in 0..<300 {
            let fill = UInt8(truncatingIfNeeded: round)
            let buffer = try await executor.run { ByteBuffer(repeating: fill, count: 256) }
            #expect(buffer.readableBytesView.allSatisfy { $0 == fill })
        }
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var sum = 0
                    for round in 0..<50 {
                        let buffer = try await executor.run { ByteBuffer(repeating: UInt8(task), count: 64 + round) }
                        sum += buffer.readableBytesView.reduce(0) { $0 + Int($1) }
                    }
                    return sum
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(sums == (0..<8).reduce(0) { $0 + $1 * (0..<50).reduce(0) { $0 + 64 + $1 } })
        await executor.shutdown()
    }

    @Test func errorsComeBackAsThrown() async {
        struct Refused: Error, Equatable {}
        let executor = CodecExecutor(threadCount: 1)
        await #expect(throws: Refused.self) { try await executor.run { () throws -> Int in throw Refused() } }
        await executor.shutdown()
    }

    @Test func bulkJobsWaitBehindInteractiveOnesButNeverForever() async throws {
        let executor = CodecExecutor(threadCount: 1)
        let gate = Gate()
        let order = NIOLockedValueBox<[String]>([])
        // The only thread waits in a job until every other job is queued.
        let blocker = Task { try await executor.run { gate.wait() } }
        try await waitUntil { executor.load == (1, 0) }
        var jobs: [Task<Void, any Error>] = []
        let submissions: [(String, CodecExecutor.Priority)] =
            [("b1", .bulk), ("b2", .bulk)] + (1...6).map { ("i\($0)", .interactive) }
        for (index, (name, priority)) in submissions.enumerated() {
            jobs.append(
                Task {
                    try await CodecExecutor.$priority.withValue(priority) {
                        try await executor.run { order.withLockedValue { $0.append(name) } }
                    }
                })
            // In the queue, not only submitted: the next job must not overtake it.
            try await waitUntil { executor.queueDepth == index + 1 }
        }
        gate.open()
        try await blocker.value
        for job in jobs { try await job.value }
        // ``CodecExecutor/bulkShare`` (4) interactive jobs in a row, then one bulk job.
        #expect(order.withLockedValue { $0 } == ["i1", "i2", "i3", "i4", "b1", "i5", "i6", "b2"])
        await executor.shutdown()
    }

    @Test func aCancelledWaitingJobNeverRuns() async throws {
        let executor = CodecExecutor(threadCount: 1)
        let gate = Gate()
        let ran = NIOLockedValueBox(false)
        let blocker = Task { try await executor.run { gate.wait() } }
        try await waitUntil { executor.load == (1, 0) }
        let waiting = Task { try await executor.run { ran.withLockedValue { $0 = true } } }
        try await waitUntil { executor.queueDepth == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        gate.open()
        try await blocker.value
        await executor.shutdown()
        #expect(!ran.withLockedValue { $0 }, "a job cancelled while it waited was run")
    }

    @Test func afterShutdownJobsAreRefused() async {
        let executor = CodecExecutor(threadCount: 2)
        await executor.shutdown()
        await #expect(throws: CancellationError.self) { try await executor.run { 1 } }
    }

    /// Polls `condition` (at most 10 s): the executor's state changes on its own threads.
    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<1000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        try #require(condition())
    }

    /// Holds a codec thread until opened.
    private final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        func wait() { semaphore.wait() }
        func open() { semaphore.signal() }
    }
}
