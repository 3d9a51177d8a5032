import Metrics
import NIOPosix

/// A fixed pool of threads for blocking C work (libtiff, libjpeg-turbo, stat, open), sized to the cores.
///
/// Swift's cooperative pool has one thread per core and must never block; every C codec call and every
/// filesystem call of the pipeline runs here instead.
package final class CodecExecutor: Sendable {
    private let pool: NIOThreadPool
    /// The number of threads.
    package let threadCount: Int
    private let queued = Gauge(label: "iip_codec_jobs_active")

    /// Starts `threadCount` threads.
    package init(threadCount: Int) {
        self.threadCount = max(threadCount, 1)
        pool = NIOThreadPool(numberOfThreads: self.threadCount)
        pool.start()
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    ///
    /// - Throws: What `body` throws, or `CancellationError` when the task was cancelled before the work started.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// Stops the threads once the queued work is done.
    package func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
