import Foundation

/// What `/metrics` exposes (issue 13, item 4): every metric by name with its type, and the bounded values of each
/// label. The dashboard (`Config/grafana`), the alert rules (`Config/prometheus`) and the README name only these.
enum MetricsContract {
    /// A metric's Prometheus type.
    enum Kind: String, Sendable {
        case counter
        case gauge
        case histogram
    }

    /// Every metric by name, as the text format writes it (a counter's name ends in `_total`; a histogram's series
    /// add `_bucket`, `_sum` and `_count`).
    static let metrics: [String: Kind] = {
        var metrics: [String: Kind] = [
            "iip_requests_total": .counter,
            "iip_request_duration_seconds": .histogram,
            "iip_response_bytes_total": .counter,
            "iip_stage_duration_seconds": .histogram,
            "iip_tiles_passed_through_total": .counter,
            "iip_requests_admitted_total": .counter,
            "iip_requests_rejected_total": .counter,
            "iip_requests_in_flight": .gauge,
            "iip_requests_queued": .gauge,
            "iip_codec_threads": .gauge,
            "iip_codec_threads_busy": .gauge,
            "iip_codec_jobs_queued": .gauge,
            "iip_image_cache_lookups_total": .counter,
            "iip_images_open": .gauge,
            "iip_image_handles_open": .gauge,
            "iip_image_cache_evictions_total": .counter,
            "iip_image_opens_total": .counter,
            "iip_memcached_servers_down": .gauge,
            "iip_memcached_lookup_seconds": .histogram,
        ]
        for cache in ["iip_tile_cache", "iip_decoded_tile_cache"] {
            metrics[cache + "_lookups_total"] = .counter
            metrics[cache + "_bytes"] = .gauge
            metrics[cache + "_entries"] = .gauge
            metrics[cache + "_evictions_total"] = .counter
        }
        let outcomes = ["hits", "misses", "invalid", "skipped", "failures", "abandoned", "stores", "too_large"]
        for outcome in outcomes + ["stores_dropped"] { metrics["iip_memcached_\(outcome)_total"] = .counter }
        return metrics
    }()

    /// The values each label may take; `le` (a histogram's bucket bound) is a number or `+Inf`.
    static let labelValues: [String: Set<String>] = [
        "protocol": ["iip", "iiif2", "iiif3", "deepzoom", "zoomify", "viewer", "admin", "other"],
        "frontend": ["http", "fastcgi"],
        "status": ["1xx", "2xx", "3xx", "4xx", "5xx"],
        "stage": ["parse", "open", "plan", "cache", "decode", "transform", "encode"],
        "result": ["hit", "miss", "coalesced"],
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
