package import IIPImaging
import IIPModel
package import IIPProtocol

/// Decoded tiles kept for region exports: neighbouring and repeated exports read the same tiles, and decoding is
/// most of an export's cost. Least recently used first out, bounded by bytes, single-flight like ``TileCache``.
///
/// The two caches share their shape on purpose rather than a generic actor: measured, a generic cache called from
/// another module (the micro benchmarks) costs a malloc and about 20% per tile-cache hit, the server's hottest path.
package actor DecodedTileCache {
    /// Identifies a decoded tile: image path and modification time, view, resolution, tile.
    package struct Key: Sendable, Hashable {
        /// The image path as requested.
        package var imagePath: String
        /// The file's modification time in nanoseconds.
        package var modified: Int64
        /// IIP resolution number.
        package var resolution: Int
        /// Row-major tile index.
        package var tile: Int
        /// Whether `tile` numbers a block of the source's region grid (``RegionReading/blocks(_:)``) rather than
        /// one of its tiles.
        package var block: Bool
        /// JPEG 2000 quality layers asked for (LYR), `nil` for the default.
        package var layers: Int?
        /// The view of a sequence or stack (SDS).
        package var view: SequenceAngles

        /// Creates a key.
        package init(
            imagePath: String, modified: Int64, resolution: Int, tile: Int, block: Bool = false, layers: Int? = nil,
            view: SequenceAngles = SequenceAngles()
        ) {
            self.view = view
            self.layers = layers
            self.imagePath = imagePath
            self.modified = modified
            self.resolution = resolution
            self.tile = tile
            self.block = block
        }
    }

    private var store: LRUStore<Key, PixelBuffer>
    private var inFlight: [Key: Task<PixelBuffer, any Error>] = [:]
    private var joined: [Key: Int] = [:]
    private var interest = FlightInterest<Key>()
    private var audiences: [Key: FlightAudience] = [:]
    private let metrics = CacheMetrics(name: "iip_decoded_tile_cache")

    /// Creates a cache holding at most `budgetBytes` of decoded samples (0 keeps nothing but still coalesces).
    package init(budgetBytes: Int) {
        store = LRUStore(budget: max(budgetBytes, 0))
    }

    /// The decoded tile for `key`, from the cache or from `decode` (run once however many ask at the same time).
    package func tile(for key: Key, decode: @escaping @Sendable () async throws -> PixelBuffer) async throws
        -> PixelBuffer
    {
        if let pixels = store.value(for: key) {
            metrics.hit()
            return pixels
        }
        if let running = inFlight[key] {
            metrics.coalesced()
            joined[key, default: 0] += 1
            defer {
                let left = (joined[key] ?? 1) - 1
                joined[key] = left > 0 ? left : nil
            }
            interest.join(key)
            audiences[key]?.add(ClientPresence.current)
            do {
                return try await wait(for: running, key: key)
            } catch is CancellationError where !Task.isCancelled && ClientPresence.current.isConnected() {
                // The exports that asked first left and their decode was given up: decode again for this one.
                if inFlight[key] == running { forget(key) }
                return try await tile(for: key, decode: decode)
            }
        }
        metrics.miss()
        let audience = FlightAudience(ClientPresence.current)
        let task = Task { try await ClientPresence.$current.withValue(audience.presence) { try await decode() } }
        inFlight[key] = task
        audiences[key] = audience
        interest.join(key)
        defer {
            // Unless it was given up (``leave(_:_:)``), and perhaps replaced by a newer decode meanwhile.
            if inFlight[key] == task { forget(key) }
        }
        let pixels = try await wait(for: task, key: key)
        metrics.evicted(store.insert(pixels, for: key, cost: pixels.bytes.count + key.imagePath.utf8.count + 96))
        metrics.holds(entries: store.count, bytes: store.totalCost)
        return pixels
    }

    /// Waits for a shared production. A caller cancelled meanwhile stops counting as interested, and the production is
    /// cancelled once nobody waits for it (its codec job is then dropped if it has not started).
    private func wait(for task: Task<PixelBuffer, any Error>, key: Key) async throws -> PixelBuffer {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            Task { await self.leave(key, task) }
        }
    }

    /// A caller of `task` was cancelled; the last one cancels it and takes it out of `inFlight`, so that a caller
    /// arriving afterwards starts a new decode instead of joining one that is being given up.
    private func leave(_ key: Key, _ task: Task<PixelBuffer, any Error>) {
        guard inFlight[key] == task, interest.leave(key) else { return }
        forget(key)
        task.cancel()
    }

    private func forget(_ key: Key) {
        inFlight[key] = nil
        audiences[key] = nil
        interest.end(key)
    }

    /// Whether `key` is being decoded and how many callers have joined that decode (for tests).
    package func production(of key: Key) -> (running: Bool, joined: Int) {
        (inFlight[key] != nil, joined[key] ?? 0)
    }

    /// Empties the cache.
    package func removeAll() {
        store.removeAll()
        metrics.holds(entries: 0, bytes: 0)
    }

    /// Entries and bytes held.
    package var usage: (entries: Int, bytes: Int) { (store.count, store.totalCost) }
}
