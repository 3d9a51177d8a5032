import IIPModel
public import NIOCore

/// The encoded-tile cache: least recently used first out, bounded by bytes, with single-flight production.
///
/// When several requests miss the same tile at once, the tile is produced once and every caller gets the
/// same bytes. Production runs in its own task, so a client that goes away does not cancel it for the others.
public actor TileCache {
    /// How a lookup was answered.
    public enum Outcome: Sendable, Hashable {
        /// From the cache.
        case hit
        /// Produced by this call.
        case miss
        /// Produced by another call that was already running.
        case coalesced
    }

    private var store: LRUStore<TileKey, ByteBuffer>
    private var inFlight: [TileKey: Task<ByteBuffer, any Error>] = [:]
    private var joined: [TileKey: Int] = [:]
    private var interest = FlightInterest<TileKey>()
    private let metrics = CacheMetrics(name: "iip_tile_cache")

    /// Creates a cache holding at most `budgetBytes` (0 keeps nothing but still coalesces).
    public init(budgetBytes: Int) {
        store = LRUStore(budget: max(budgetBytes, 0))
    }

    /// Returns the cached bytes for `key`, or produces, stores and returns them.
    ///
    /// Errors are not cached: every waiter of a failed production gets the error, and the next call tries again.
    public func tile(
        for key: TileKey, produce: @escaping @Sendable () async throws -> ByteBuffer
    ) async throws -> (bytes: ByteBuffer, outcome: Outcome) {
        if let bytes = store.value(for: key) {
            metrics.hit()
            return (bytes, .hit)
        }
        if let running = inFlight[key] {
            metrics.coalesced()
            joined[key, default: 0] += 1
            defer {
                let left = (joined[key] ?? 1) - 1
                joined[key] = left > 0 ? left : nil
            }
            interest.join(key)
            do {
                return (try await wait(for: running, key: key), .coalesced)
            } catch is CancellationError where !Task.isCancelled {
                // Callers that left before this one joined gave the production up: make it again.
                if inFlight[key] == running {
                    inFlight[key] = nil
                    interest.end(key)
                }
                return try await tile(for: key, produce: produce)
            }
        }
        metrics.miss()
        let task = Task { try await produce() }
        inFlight[key] = task
        interest.join(key)
        defer {
            // Unless it was given up (``leave(_:_:)``), and perhaps replaced by a newer production meanwhile.
            if inFlight[key] == task {
                inFlight[key] = nil
                interest.end(key)
            }
        }
        let bytes = try await wait(for: task, key: key)
        metrics.evicted(store.insert(bytes, for: key, cost: bytes.readableBytes + key.overhead))
        metrics.holds(entries: store.count, bytes: store.totalCost)
        return (bytes, .miss)
    }

    /// Waits for a shared production. A caller cancelled meanwhile stops counting as interested, and the production is
    /// cancelled once nobody waits for it (its codec job is then dropped if it has not started).
    private func wait(for task: Task<ByteBuffer, any Error>, key: TileKey) async throws -> ByteBuffer {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            Task { await self.leave(key, task) }
        }
    }

    /// A caller of `task` was cancelled; the last one cancels it and takes it out of `inFlight`, so that a caller
    /// arriving afterwards starts a new production instead of joining one that is being given up.
    private func leave(_ key: TileKey, _ task: Task<ByteBuffer, any Error>) {
        guard inFlight[key] == task, interest.leave(key) else { return }
        inFlight[key] = nil
        task.cancel()
    }

    /// Whether `key` is being produced and how many callers have joined that production: for tests that must
    /// know every caller is waiting before they let production finish.
    package func production(of key: TileKey) -> (running: Bool, joined: Int) {
        (inFlight[key] != nil, joined[key] ?? 0)
    }

    /// Looks up `key` without producing anything.
    public func cached(_ key: TileKey) -> ByteBuffer? {
        store.value(for: key)
    }

    /// Empties the cache (SIGHUP, as iipsrv).
    public func removeAll() {
        store.removeAll()
        metrics.holds(entries: 0, bytes: 0)
    }

    /// Entries and bytes held.
    package var usage: (entries: Int, bytes: Int) { (store.count, store.totalCost) }
}
