import Synchronization

/// Counts open connections against ``FastCGIServerConfiguration/maxConnections``.
final class FastCGIConnectionCounter: Sendable {
    private let open = Atomic<Int>(0)
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot, or returns `false` when all are taken.
    func acquire() -> Bool {
        if open.add(1, ordering: .relaxed).newValue <= limit {
            return true
        }
        open.subtract(1, ordering: .relaxed)
        return false
    }

    /// Gives back a slot taken by ``acquire()``.
    func release() {
        open.subtract(1, ordering: .relaxed)
    }
}
