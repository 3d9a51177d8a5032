/// The callers still waiting for each shared production of a single-flight cache (``TileCache``,
/// ``DecodedTileCache``), so that a production is cancelled once every caller waiting for it has been cancelled:
/// the tile of a client that went away is not decoded for nobody, and a tile someone else still waits for is.
struct FlightInterest<Key: Hashable & Sendable>: Sendable {
    private var waiting: [Key: Int] = [:]

    /// A caller starts waiting for the production of `key`.
    mutating func join(_ key: Key) {
        waiting[key, default: 0] += 1
    }

    /// A caller waiting for `key` was cancelled.
    ///
    /// - Returns: Whether it was the last one waiting: the production should be cancelled.
    mutating func leave(_ key: Key) -> Bool {
        guard let count = waiting[key] else { return false }
        guard count > 1 else {
            waiting[key] = nil
            return true
        }
        waiting[key] = count - 1
        return false
    }

    /// The production of `key` has ended.
    mutating func end(_ key: Key) {
        waiting[key] = nil
    }
}
