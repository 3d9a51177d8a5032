import Metrics
import NIOConcurrencyHelpers
import Synchronization

/// What the memcached tile cache has done since it started: exported as `iip_memcached_*` metrics, and readable
/// as values (tests run the pipeline in process, where no metrics backend is installed).
package final class SharedCacheStatistics: Sendable {
    /// One kind of outcome.
    package enum Event: Int, CaseIterable, Sendable {
        /// A lookup found a valid tile.
        case hit
        /// A lookup found nothing.
        case miss
        /// A lookup found a value that is not one of ours (wrong magic, length or checksum): a miss.
        case invalid
        /// A lookup or store not sent: every server its key could go to is down.
        case skipped
        /// A call to a server failed (refused, timed out, not memcached); the server is marked down.
        case failed
        /// A lookup the request stopped waiting for at MEMCACHED_IO_TIMEOUT: a miss.
        case abandoned
        /// A tile sent.
        case stored
        /// A tile not sent: larger than MEMCACHED_MAX_ITEM, or refused by the server.
        case tooLarge
        /// A tile not sent because too many stores were already waiting.
        case dropped

        var metric: String {
            switch self {
            case .hit: "iip_memcached_hits_total"
            case .miss: "iip_memcached_misses_total"
            case .invalid: "iip_memcached_invalid_total"
            case .skipped: "iip_memcached_skipped_total"
            case .failed: "iip_memcached_failures_total"
            case .abandoned: "iip_memcached_abandoned_total"
            case .stored: "iip_memcached_stores_total"
            case .tooLarge: "iip_memcached_too_large_total"
            case .dropped: "iip_memcached_stores_dropped_total"
            }
        }
    }

    private let counts = NIOLockedValueBox([Int](repeating: 0, count: Event.allCases.count))
    private let counters = Event.allCases.map { Counter(label: $0.metric) }
    private let longest = Atomic<Int64>(0)
    private let lookupTimer = Timer(label: "iip_memcached_lookup_seconds")

    /// No event yet.
    package init() {}

    /// Counts one `event`.
    package func record(_ event: Event) {
        counts.withLockedValue { $0[event.rawValue] += 1 }
        counters[event.rawValue].increment()
    }

    /// Records how long a request waited for a lookup.
    package func recordWait(_ wait: Duration) {
        let nanoseconds = wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000
        lookupTimer.recordNanoseconds(nanoseconds)
        longest.max(nanoseconds, ordering: .relaxed)
    }

    /// How many times `event` happened.
    package func count(_ event: Event) -> Int {
        counts.withLockedValue { $0[event.rawValue] }
    }

    /// The longest a request has waited for a lookup.
    package var longestWait: Duration {
        .nanoseconds(longest.load(ordering: .relaxed))
    }
}
