import Metrics

/// The metrics every cache of the server exports under its name: `NAME_lookups_total{result="hit|miss|coalesced"}`,
/// `NAME_evictions_total`, and, for caches bounded by bytes, the gauges `NAME_entries` and `NAME_bytes`.
struct CacheMetrics: Sendable {
    private let hits: Counter
    private let misses: Counter
    private let joins: Counter
    private let evictions: Counter
    private let entries: Gauge?
    private let bytes: Gauge?

    /// The series of the cache `name` (e.g. `iip_tile_cache`).
    ///
    /// - Parameter sized: Whether the cache is bounded by bytes and exports its entries and bytes.
    init(name: String, sized: Bool = true) {
        let lookups = name + "_lookups_total"
        hits = Counter(label: lookups, dimensions: [("result", "hit")])
        misses = Counter(label: lookups, dimensions: [("result", "miss")])
        joins = Counter(label: lookups, dimensions: [("result", "coalesced")])
        evictions = Counter(label: name + "_evictions_total")
        entries = sized ? Gauge(label: name + "_entries") : nil
        bytes = sized ? Gauge(label: name + "_bytes") : nil
    }

    /// A lookup answered from the cache.
    func hit() { hits.increment() }

    /// A lookup that produces the value.
    func miss() { misses.increment() }

    /// A lookup that waits for a value another lookup is producing.
    func coalesced() { joins.increment() }

    /// Entries dropped to make room.
    func evicted(_ count: Int) {
        if count > 0 { evictions.increment(by: Int64(count)) }
    }

    /// What the cache holds now.
    func holds(entries count: Int, bytes total: Int) {
        entries?.record(count)
        bytes?.record(total)
    }
}
