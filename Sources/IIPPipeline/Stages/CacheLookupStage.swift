package import NIOCore

/// Cache lookup, part of rendering: answers from the tile cache, then from memcached when configured, or produces
/// the tile once however many ask, filling both.
package struct CacheLookupStage: Sendable {
    let cache: TileCache
    let shared: SharedTileCache?

    /// Creates the stage over a cache and, when MEMCACHED_SERVERS names servers, the shared one.
    package init(cache: TileCache, shared: SharedTileCache? = nil) {
        self.cache = cache
        self.shared = shared
    }

    /// The encoded tile for `key`, from the tile cache, from memcached, or from `produce`.
    package func run(_ key: TileKey, produce: @escaping @Sendable () async throws -> ByteBuffer) async throws
        -> ByteBuffer
    {
        guard let shared else { return try await cache.tile(for: key, produce: produce).bytes }
        return try await cache.tile(for: key) {
            if let stored = await shared.tile(for: key) { return stored }
            let bytes = try await produce()
            shared.store(bytes, for: key)
            return bytes
        }.bytes
    }
}
