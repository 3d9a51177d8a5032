/// Where a request's tile came from, for access log lines and traces: the most telling answer when a request
/// reads several tiles (a tile range), in the order of the cases (a render outranks a hit).
public enum CacheOutcome: Int, Sendable, Comparable {
    /// The request read no tile (documents, exports).
    case none
    /// From the tile cache.
    case hit
    /// Rendered by another request that was already rendering it.
    case coalesced
    /// From memcached.
    case memcached
    /// Read from the file as stored (codec pass-through).
    case stored
    /// Decoded, transformed and encoded by this request.
    case rendered

    /// The value written in access log lines.
    public var name: String {
        switch self {
        case .none: "none"
        case .hit: "hit"
        case .coalesced: "coalesced"
        case .memcached: "memcached"
        case .stored: "stored"
        case .rendered: "rendered"
        }
    }

    /// Orders outcomes by how much work they stand for.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
