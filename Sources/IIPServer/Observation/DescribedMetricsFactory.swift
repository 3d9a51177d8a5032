public import CoreMetrics
public import Prometheus

/// A swift-metrics factory writing to a Prometheus registry, with each metric's help text from the
/// ``MetricCatalog`` (so `/metrics` has its `# HELP` lines) and duration buckets fine enough for cached tiles.
///
/// swift-prometheus' own factory registers every metric without help; this one differs only in that.
public struct DescribedMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    /// A factory registering in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// A counter.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(name: label, labels: dimensions, help: MetricCatalog.help(label))
    }

    /// A floating-point counter.
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(name: label, labels: dimensions, help: MetricCatalog.help(label))
    }

    /// A gauge (`aggregate: false`) or a value histogram.
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else {
            return registry.makeGauge(name: label, labels: dimensions, help: MetricCatalog.help(label))
        }
        return registry.makeValueHistogram(
            name: label, labels: dimensions, buckets: [1, 10, 100, 1000, 10000], help: MetricCatalog.help(label))
    }

    /// A gauge.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(name: label, labels: dimensions, help: MetricCatalog.help(label))
    }

    /// A duration histogram, in seconds.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            name: label, labels: dimensions, buckets: MetricCatalog.durationBuckets, help: MetricCatalog.help(label))
    }

    /// Removes a counter.
    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    /// Removes a floating-point counter.
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    /// Removes a gauge or value histogram.
    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? Histogram<Double> { registry.unregisterValueHistogram(histogram) }
    }

    /// Removes a meter.
    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    /// Removes a duration histogram.
    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? Histogram<Duration> { registry.unregisterDurationHistogram(histogram) }
    }
}
