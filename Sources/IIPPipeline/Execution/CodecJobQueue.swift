import DequeModule

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The threads of the ``CodecExecutor`` and the two queues they take jobs from.
///
/// A thread takes the oldest interactive job, unless bulk jobs wait and `bulkShare` interactive jobs ran in a row
/// since the last bulk one: then the oldest bulk job. Threads are detached; ``stop()`` lets them finish every
/// queued job and returns once the last has exited.
final class CodecJobQueue: @unchecked Sendable {
    // Everything below the mutex is read and written with it held.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var interactive: Deque<any CodecWork> = []
    private var bulk: Deque<any CodecWork> = []
    /// Interactive jobs taken in a row while bulk jobs waited.
    private var streak = 0
    private var stopping = false
    private var liveThreads = 0
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []

    private let threads: Int
    private let bulkShare: Int

    /// A queue for `threads` threads (started by ``start()``).
    init(threads: Int, bulkShare: Int) {
        self.threads = max(threads, 1)
        self.bulkShare = max(bulkShare, 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Starts the threads. Each holds the queue until it exits.
    func start() {
        locked { liveThreads = threads }
        for _ in 0..<threads {
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let created = pthread_create(
                &thread, nil,
                { context in
                    let queue = Unmanaged<CodecJobQueue>.fromOpaque(context!).takeRetainedValue()
                    queue.work()
                    return nil
                }, context)
            precondition(created == 0, "cannot start a codec thread: error \(created)")
            pthread_detach(thread)
        }
    }

    /// Queues `job`; false once the queue is stopping (the job is not queued).
    func push(_ job: any CodecWork, priority: CodecExecutor.Priority) -> Bool {
        locked {
            guard !stopping else { return false }
            switch priority {
            case .interactive: interactive.append(job)
            case .bulk: bulk.append(job)
            }
            pthread_cond_signal(condition)
            return true
        }
    }

    /// Refuses new jobs, lets the threads finish the queued ones, and returns once every thread has exited.
    func stop() async {
        await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
            let done = locked { () -> Bool in
                stopping = true
                pthread_cond_broadcast(condition)
                if liveThreads == 0 { return true }
                stopWaiters.append(stopped)
                return false
            }
            if done { stopped.resume() }
        }
    }

    /// A thread's life: take jobs and run them until the queue is stopping and empty.
    private func work() {
        while let job = next() {
            job.runIfWaiting()
        }
        let waiters = locked { () -> [CheckedContinuation<Void, Never>] in
            liveThreads -= 1
            guard liveThreads == 0 else { return [] }
            defer { stopWaiters = [] }
            return stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The next job to run, waiting for one; nil once the queue is stopping and empty.
    private func next() -> (any CodecWork)? {
        locked {
            while interactive.isEmpty, bulk.isEmpty, !stopping {
                pthread_cond_wait(condition, mutex)
            }
            if !interactive.isEmpty, bulk.isEmpty || streak < bulkShare {
                streak = bulk.isEmpty ? 0 : streak + 1
                return interactive.removeFirst()
            }
            if !bulk.isEmpty {
                streak = 0
                return bulk.removeFirst()
            }
            return nil
        }
    }

    /// Jobs in the two queues now, not yet taken by a thread.
    var depth: Int {
        locked { interactive.count + bulk.count }
    }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
