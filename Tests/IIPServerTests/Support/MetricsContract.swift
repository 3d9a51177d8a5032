import Foundation
import IIPPipeline
import IIPServer

/// What `/metrics` exposes (issue 13, item 4): every metric by name with its type, and the bounded values of each
/// label. The dashboard (`Config/grafana`), the alert rules (`Config/prometheus`) and the README name only these.
enum MetricsContract {
    /// A metric's Prometheus type.
    enum Kind: String, Sendable {
        case counter
        case gauge
        case histogram
    }

    /// Every metric by name (``MetricCatalog``, which `/metrics` is held to by `MetricCatalogTests`), as the text format writes it (a counter's name ends in `_total`; a histogram's series
    /// add `_bucket`, `_sum` and `_count`).
    static let metrics: [String: Kind] = Dictionary(
        uniqueKeysWithValues: MetricCatalog.entries.map { ($0.name, Kind(rawValue: $0.type) ?? .counter) })

    /// The values each label may take; `le` (a histogram's bucket bound) is a number or `+Inf`.
    static let labelValues: [String: Set<String>] = [
        "protocol": Set(RequestProtocol.allCases.map(\.name)),
        "frontend": Set(RequestFrontend.allCases.map(\.name)),
        "status": ["1xx", "2xx", "3xx", "4xx", "5xx"],
        "stage": Set(RequestStage.allCases.map(\.name)),
        "result": ["hit", "miss", "coalesced"],
        "priority": ["interactive", "bulk"],
    ]

    /// The contract metric a series or a PromQL name belongs to (`_bucket`, `_sum` and `_count` of a histogram name
    /// the histogram), or `nil` when the contract has no such metric.
    static func metric(ofSeries name: String) -> String? {
        if metrics[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if metrics[base] == .histogram { return base }
        }
        return nil
    }

    /// Every `iip_…` name in `text` (PromQL, a configuration file), as written.
    static func names(in text: String) -> Set<String> {
        Set(text.matches(of: /iip_[a-z0-9_]+/).map { String($0.output) })
    }

    /// Whether a label's value is one the contract allows: a bounded value, never a path, a file name or a query.
    static func allows(label: String, value: String) -> Bool {
        if label == "le" { return value == "+Inf" || Double(value) != nil }
        return labelValues[label]?.contains(value) ?? false
    }
}
