import Metrics
import Synchronization

/// The pipeline's front door: an AsyncSequence of jobs with a bound on jobs in flight and on jobs waiting.
///
/// Frontends ``submit(_:busy:)`` requests; ``run(_:)`` consumes the sequence, starting a job only while fewer
/// than `maxInFlight` are running. Up to `maxQueued` jobs wait in the sequence's buffer; past that a request
/// is answered at once with the `busy` response (503) and counted, rather than queued without limit.
public final class PipelineIntake: Sendable {
    struct Job: Sendable {
        let request: ServerRequest
        /// Resumed with the response, or with `nil` when the job was never admitted.
        let reply: CheckedContinuation<ServerResponse?, Never>
        let abandoned: CancellationFlag
    }

    /// Set when the submitter has gone away before its job started.
    final class CancellationFlag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .relaxed) }
        var isSet: Bool { value.load(ordering: .relaxed) }
    }

    private let jobs: AsyncStream<Job>
    private let input: AsyncStream<Job>.Continuation
    private let maxInFlight: Int
    private let rejected = Counter(label: "iip_requests_rejected_total")
    private let admitted = Counter(label: "iip_requests_total")

    /// Creates an intake.
    ///
    /// - Parameters:
    ///   - maxInFlight: Jobs processed at once.
    ///   - maxQueued: Jobs allowed to wait; 0 means none wait.
    public init(maxInFlight: Int, maxQueued: Int) {
        (jobs, input) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingOldest(max(maxQueued, 0)))
        self.maxInFlight = max(maxInFlight, 1)
    }

    /// Queues `request` and waits for its response; answers `busy()` at once when the queue is full or closed.
    public func submit(_ request: ServerRequest, busy: @Sendable () -> ServerResponse) async -> ServerResponse {
        let flag = CancellationFlag()
        let response: ServerResponse? = await withTaskCancellationHandler {
            await withCheckedContinuation { (reply: CheckedContinuation<ServerResponse?, Never>) in
                let job = Job(request: request, reply: reply, abandoned: flag)
                switch input.yield(job) {
                case .enqueued: break
                case .dropped, .terminated: reply.resume(returning: nil)
                @unknown default: reply.resume(returning: nil)
                }
            }
        } onCancel: {
            flag.set()
        }
        guard let response else {
            rejected.increment()
            return busy()
        }
        admitted.increment()
        return response
    }

    /// Processes jobs until ``finish()`` is called and every queued job is done.
    public func run(_ process: @escaping @Sendable (ServerRequest) async -> ServerResponse) async {
        await withTaskGroup(of: Void.self) { group in
            var started = 0
            var queue = jobs.makeAsyncIterator()
            while true {
                // Wait for a free slot before taking a job, so waiting jobs stay in the bounded buffer.
                if started >= maxInFlight {
                    await group.next()
                    started -= 1
                }
                guard let job = await queue.next() else { break }
                started += 1
                group.addTask {
                    if job.abandoned.isSet {
                        job.reply.resume(returning: ServerResponse(status: 499))
                    } else {
                        job.reply.resume(returning: await process(job.request))
                    }
                }
            }
        }
    }

    /// Stops accepting jobs; ``run(_:)`` returns once the queued ones are done.
    public func finish() {
        input.finish()
    }
}
