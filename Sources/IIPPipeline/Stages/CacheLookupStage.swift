public import NIOCore

/// Stage 3, CacheLookup: answers from the tile cache, or produces the tile once however many ask for it.
public struct CacheLookupStage: Sendable {
    let cache: TileCache

    /// Creates the stage over a cache.
    public init(cache: TileCache) {
        self.cache = cache
    }

    /// The encoded tile for `job`, from the cache or from `produce`.
    public func run(
        _ job: TileJob, produce: @escaping @Sendable () async throws -> ByteBuffer
    ) async throws -> (bytes: ByteBuffer, outcome: TileCache.Outcome) {
        try await cache.tile(for: job.key, produce: produce)
    }
}
