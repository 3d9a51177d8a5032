package import NIOCore

/// Cache lookup, part of rendering: answers from the tile cache, then from memcached when configured, or produces
/// the tile once however many ask, filling both.
///
/// When the request is observed, its lookups count as the ``RequestStage/cache`` stage (a wait for a tile another
/// request renders included), less the time it spends producing the tile itself, and where the tile came from is
/// noted.
package struct CacheLookupStage: Sendable {
    let cache: TileCache
    let shared: SharedTileCache?

    /// Creates the stage over a cache and, when MEMCACHED_SERVERS names servers, the shared one.
    package init(cache: TileCache, shared: SharedTileCache? = nil) {
        self.cache = cache
        self.shared = shared
    }

    /// Whether tiles are shared through memcached.
    package var sharesTiles: Bool { shared != nil }

    /// The encoded tile for `key`, from the tile cache, from memcached, or from `produce`.
    package func run(_ key: TileKey, produce: @escaping @Sendable () async throws -> ByteBuffer) async throws
        -> ByteBuffer
    {
        try await run(key, stored: { nil }, produce: produce)
    }

    /// The encoded tile for `key`, from the tile cache, from `stored` (a tile sent as stored, read from the file:
    /// cheaper than a network round trip, so never looked up in memcached nor sent there), from memcached, or from
    /// `produce`.
    ///
    /// `stored` and `produce` deduct their own time from the cache stage (``RequestTimeline/deduct(_:from:)``):
    /// producing a tile is not looking it up.
    package func run(
        _ key: TileKey, stored: @escaping @Sendable () async throws -> ByteBuffer?,
        produce: @escaping @Sendable () async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        guard let timeline = RequestTimeline.current else {
            return try await lookUp(key, stored: stored, produce: produce, timeline: nil).bytes
        }
        let began = ContinuousClock.now
        defer { timeline.record(.cache, from: began, to: .now) }
        let found = try await lookUp(key, stored: stored, produce: produce, timeline: timeline)
        switch found.outcome {
        case .hit: timeline.noteCache(.hit)
        case .coalesced: timeline.noteCache(.coalesced)
        case .miss: break  // noted by whoever produced it: memcached, stored or rendered
        }
        return found.bytes
    }

    private func lookUp(
        _ key: TileKey, stored: @escaping @Sendable () async throws -> ByteBuffer?,
        produce: @escaping @Sendable () async throws -> ByteBuffer, timeline: RequestTimeline?
    ) async throws -> (bytes: ByteBuffer, outcome: TileCache.Outcome) {
        guard let shared else { return try await cache.tile(for: key, produce: produce) }
        return try await cache.tile(for: key) {
            if let bytes = try await stored() { return bytes }
            if let found = await shared.tile(for: key) {
                timeline?.noteCache(.memcached)
                return found
            }
            let bytes = try await produce()
            shared.store(bytes, for: key)
            return bytes
        }
    }
}
