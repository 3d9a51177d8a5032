package import Metrics

/// The metrics of one ``AsyncLimiter``: holders, waiters and refusals.
package struct LimiterMetrics: Sendable {
    /// Callers holding a slot.
    package let running: Gauge
    /// Callers waiting for a slot.
    package let queued: Gauge
    /// Callers refused because the queue was full.
    package let rejected: Counter

    /// The metrics of the region export bound (MAX_EXPORTS_IN_FLIGHT, MAX_EXPORTS_QUEUED).
    package static func exports() -> LimiterMetrics {
        LimiterMetrics(
            running: Gauge(label: "iip_exports_in_flight"), queued: Gauge(label: "iip_exports_queued"),
            rejected: Counter(label: "iip_exports_rejected_total"))
    }
}
