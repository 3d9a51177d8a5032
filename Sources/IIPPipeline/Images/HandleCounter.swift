import Metrics
import Synchronization

/// How many image handles (open files with their decoder state) the registry's pools hold, idle or lent to a
/// decode: the `iip_image_handles_open` gauge.
package final class HandleCounter: Sendable {
    private let count = Atomic(0)
    private let gauge = Gauge(label: "iip_image_handles_open")

    /// Creates a counter at zero.
    package init() {}

    /// Counts `handles` more (negative: fewer).
    func add(_ handles: Int) {
        let now = count.wrappingAdd(handles, ordering: .relaxed).newValue
        gauge.record(now)
    }

    /// The handles held now.
    package var value: Int { count.load(ordering: .relaxed) }
}
