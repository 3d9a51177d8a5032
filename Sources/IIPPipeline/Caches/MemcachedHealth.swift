import Metrics
import NIOConcurrencyHelpers

/// Which memcached servers of a list are answering, shared by every client of a pool and every request.
///
/// A server whose call fails (it refuses connections, times out, or answers something that is not memcached) is
/// marked down by the first request that sees it fail; from then on no request waits on it: its keys go to the
/// other servers until a background probe finds it answering again (``SharedTileCache``). libmemcached keeps its
/// own failure state per client, so with a pool of clients each would otherwise pay the timeout once.
package final class MemcachedHealth: Sendable {
    private let down: NIOLockedValueBox<[Bool]>
    private let downGauge = Gauge(label: "iip_memcached_servers_down")

    /// Every one of `serverCount` servers up.
    package init(serverCount: Int) {
        down = NIOLockedValueBox(Array(repeating: false, count: serverCount))
    }

    /// Whether server `index` is marked down.
    package func isDown(_ index: Int) -> Bool {
        down.withLockedValue { $0.indices.contains(index) && $0[index] }
    }

    /// The servers marked down, by index.
    package var downServers: [Int] {
        down.withLockedValue { states in states.indices.filter { states[$0] } }
    }

    /// Whether every server is marked down.
    package var allDown: Bool {
        down.withLockedValue { $0.allSatisfy { $0 } }
    }

    /// Marks server `index` down.
    ///
    /// - Returns: `true` when it was up (the caller logs the change and starts the probe).
    @discardableResult
    package func markDown(_ index: Int) -> Bool {
        change(index, to: true)
    }

    /// Marks server `index` up.
    ///
    /// - Returns: `true` when it was down.
    @discardableResult
    package func markUp(_ index: Int) -> Bool {
        change(index, to: false)
    }

    private func change(_ index: Int, to value: Bool) -> Bool {
        let (changed, count) = down.withLockedValue { states -> (Bool, Int) in
            guard states.indices.contains(index), states[index] != value else { return (false, 0) }
            states[index] = value
            return (true, states.count { $0 })
        }
        if changed { downGauge.record(count) }
        return changed
    }
}
