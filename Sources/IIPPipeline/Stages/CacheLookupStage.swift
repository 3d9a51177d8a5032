package import NIOCore

/// Cache lookup, part of rendering: answers from the tile cache, or produces the tile once however many ask.
package struct CacheLookupStage: Sendable {
    let cache: TileCache

    /// Creates the stage over a cache.
    package init(cache: TileCache) {
        self.cache = cache
    }

    /// The encoded tile for `key`, from the cache or from `produce`.
    package func run(_ key: TileKey, produce: @escaping @Sendable () async throws -> ByteBuffer) async throws
        -> ByteBuffer
    {
        try await cache.tile(for: key, produce: produce).bytes
    }
}
