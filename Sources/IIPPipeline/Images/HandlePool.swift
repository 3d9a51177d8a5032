package import IIPImaging
import NIOConcurrencyHelpers

/// The open handles of one image, each lent to one decode at a time.
///
/// Borrowing happens on a codec thread, inside the job that decodes: the job takes an idle handle or opens a
/// new one, and gives it back when done. The number of handles alive therefore never exceeds the number of
/// codec threads, and one gigapixel image can keep every core busy.
final class HandlePool: Sendable {
    /// A source in transit between the idle list and the one job using it.
    ///
    /// `@unchecked`: a box is either in `idle` (guarded by the mutex) or owned by exactly one running job.
    private struct Lease: @unchecked Sendable {
        let source: any ImageSource
    }

    private let idle: NIOLockedValueBox<[Lease]>
    private let maxIdle: Int
    private let counter: HandleCounter
    private let open: @Sendable () throws(ImagingError) -> any ImageSource

    /// Creates a pool that opens sources with `open`, keeping at most `maxIdle` idle ones.
    ///
    /// - Parameters:
    ///   - first: An already open source (the one read to describe the image), kept as the first idle one.
    ///   - counter: Counts the handles the pool holds.
    init(
        first: (any ImageSource)?, maxIdle: Int, counter: HandleCounter,
        open: @escaping @Sendable () throws(ImagingError) -> any ImageSource
    ) {
        idle = NIOLockedValueBox(first.map { [Lease(source: $0)] } ?? [])
        self.maxIdle = max(maxIdle, 1)
        self.counter = counter
        self.open = open
        if first != nil { counter.add(1) }
    }

    deinit {
        counter.add(-idle.withLockedValue { $0.count })
    }

    /// Runs `body` with a source nobody else is using. Call it on a codec thread: it may open a file.
    func withSource<T>(_ body: (any ImageSource) throws(ImagingError) -> T) throws(ImagingError) -> T {
        let lease: Lease
        if let reused = idle.withLockedValue({ $0.popLast() }) {
            lease = reused
        } else {
            lease = Lease(source: try open())
            counter.add(1)
        }
        defer {
            let kept = idle.withLockedValue { list in
                guard list.count < maxIdle else { return false }
                list.append(lease)
                return true
            }
            if !kept { counter.add(-1) }
        }
        return try body(lease.source)
    }

    /// The number of idle handles.
    var idleCount: Int { idle.withLockedValue { $0.count } }
}
