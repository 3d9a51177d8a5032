import Metrics
import NIOPosix
import Synchronization

/// A fixed pool of threads for blocking C work (libtiff, libjpeg-turbo, stat, open), sized to the cores.
///
/// Swift's cooperative pool has one thread per core and must never block; every C codec call and every
/// filesystem call of the pipeline runs here instead.
package final class CodecExecutor: Sendable {
    private let pool: NIOThreadPool
    /// The number of threads.
    package let threadCount: Int
    /// Jobs submitted and not finished, and of those the ones running.
    private let submitted = Atomic(0)
    private let running = Atomic(0)
    private let busyGauge = Gauge(label: "iip_codec_threads_busy")
    private let queuedGauge = Gauge(label: "iip_codec_jobs_queued")

    /// Starts `threadCount` threads.
    package init(threadCount: Int) {
        self.threadCount = max(threadCount, 1)
        pool = NIOThreadPool(numberOfThreads: self.threadCount)
        pool.start()
        Gauge(label: "iip_codec_threads").record(self.threadCount)
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    ///
    /// - Throws: What `body` throws, or `CancellationError` when the task was cancelled before the work started.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        submitted.wrappingAdd(1, ordering: .relaxed)
        report()
        defer {
            submitted.wrappingSubtract(1, ordering: .relaxed)
            report()
        }
        return try await pool.runIfActive { [self] in
            running.wrappingAdd(1, ordering: .relaxed)
            report()
            defer {
                running.wrappingSubtract(1, ordering: .relaxed)
                report()
            }
            return try body()
        }
    }

    /// Threads running a job now, and jobs waiting for one.
    package var load: (busy: Int, queued: Int) {
        let busy = running.load(ordering: .relaxed)
        return (busy, max(submitted.load(ordering: .relaxed) - busy, 0))
    }

    private func report() {
        let (busy, queued) = load
        busyGauge.record(busy)
        queuedGauge.record(queued)
    }

    /// Stops the threads once the queued work is done.
    package func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
