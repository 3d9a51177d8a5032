import Metrics
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed pool of threads for blocking C work (libtiff, libjpeg-turbo, stat, open), sized to the cores, with two
/// queues: what a viewer waits for first, region exports after.
///
/// Swift's cooperative pool has one thread per core and must never block; every C codec call and every filesystem
/// call of the pipeline runs here instead.
///
/// Fairness: a job submitted by a task whose ``priority`` is ``Priority/bulk`` (a region export's decodes,
/// composition and encoding) waits behind the interactive jobs (tiles, documents), except that after
/// ``bulkShare`` interactive jobs in a row one bulk job runs, so a flood of tiles slows exports without stopping
/// them. A burst of exports thus never puts hundreds of decodes in front of a viewer's next tile.
///
/// Cancellation: a job whose task is cancelled while it waits (a FastCGI abort or closed connection), or a bulk job
/// whose client is gone when a thread takes it (``ClientPresence``, over HTTP), is dropped without running and its
/// caller gets `CancellationError`; a running job finishes.
package final class CodecExecutor: Sendable {
    /// Which queue a job waits in.
    package enum Priority: Sendable, Hashable {
        /// Work a viewer is waiting for: tiles, tile ranges, documents, samples.
        case interactive
        /// Region exports: long, and their clients expect to wait.
        case bulk
    }

    /// The priority of the jobs the current task submits: ``Priority/bulk`` inside a region export.
    @TaskLocal package static var priority: Priority = .interactive

    /// Interactive jobs run in a row, while bulk jobs wait, before one bulk job runs.
    package static let bulkShare = 4

    /// The number of threads.
    package let threadCount: Int
    private let queue: CodecJobQueue
    /// Jobs submitted and not finished, and of those the ones running.
    private let submitted = Atomic(0)
    private let running = Atomic(0)
    private let metrics: Metrics?

    private struct Metrics: Sendable {
        let busy = Gauge(label: "iip_codec_threads_busy")
        let queued = Gauge(label: "iip_codec_jobs_queued")
        let interactiveJobs = Counter(label: "iip_codec_jobs_total", dimensions: [("priority", "interactive")])
        let bulkJobs = Counter(label: "iip_codec_jobs_total", dimensions: [("priority", "bulk")])
        let cancelled = Counter(label: "iip_codec_jobs_cancelled_total")
    }

    /// Starts `threadCount` threads.
    ///
    /// - Parameter reportsMetrics: Whether this pool is the one the codec metrics describe (the pipeline's); other
    ///   pools of blocking work (memcached's) pass false.
    package init(threadCount: Int, reportsMetrics: Bool = true) {
        self.threadCount = max(threadCount, 1)
        queue = CodecJobQueue(threads: self.threadCount, bulkShare: Self.bulkShare)
        metrics = reportsMetrics ? Metrics() : nil
        if reportsMetrics { Gauge(label: "iip_codec_threads").record(self.threadCount) }
        queue.start()
    }

    /// Runs `body` on one of the pool's threads, in the queue of the task's ``priority``, and returns its result.
    ///
    /// - Throws: What `body` throws, or `CancellationError` when the task was cancelled before the work started or
    ///   the pool has shut down.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let priority = Self.priority
        // Only exports' jobs ask after their client: tiles, documents and opens are shared and cached for the next
        // viewer, and a tile of a FastCGI request that was aborted is dropped by the task's cancellation anyway.
        let client = priority == .bulk ? ClientPresence.current : .always
        submitted.wrappingAdd(1, ordering: .relaxed)
        report()
        defer {
            submitted.wrappingSubtract(1, ordering: .relaxed)
            report()
        }
        let work: @Sendable () -> Result<T, any Error> = { [self] in
            running.wrappingAdd(1, ordering: .relaxed)
            report()
            defer {
                running.wrappingSubtract(1, ordering: .relaxed)
                report()
            }
            switch priority {
            case .interactive: metrics?.interactiveJobs.increment()
            case .bulk: metrics?.bulkJobs.increment()
            }
            return Result(catching: body)
        }
        let job = CodecJob<T>(
            isWanted: client.isConnected, onDrop: { [metrics] in metrics?.cancelled.increment() }, work)
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard job.hold(continuation) else { return }  // cancelled already: resumed by `hold`
                if !queue.push(job, priority: priority) { job.abandon() }
            }
        } onCancel: {
            job.abandon()
        }
        return try job.result()
    }

    /// Threads running a job now, and jobs waiting for one.
    package var load: (busy: Int, queued: Int) {
        let busy = running.load(ordering: .relaxed)
        return (busy, max(submitted.load(ordering: .relaxed) - busy, 0))
    }

    /// Jobs pushed into the queues and not yet taken by a thread (``load`` counts a job from its submission, a
    /// moment before it is queued).
    var queueDepth: Int { queue.depth }

    private func report() {
        guard let metrics else { return }
        let (busy, queued) = load
        metrics.busy.record(busy)
        metrics.queued.record(queued)
    }

    /// Stops the threads once the queued work is done; later jobs are refused with `CancellationError`.
    package func shutdown() async {
        await queue.stop()
    }
}
