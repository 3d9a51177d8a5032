import IIPPipeline

/// The `Server-Timing` header (W3C Server Timing) for a request: one entry per stage that ran, in milliseconds, the
/// cache entry described by where the tile came from, and the total. A browser's network panel shows it.
///
/// ```
/// Server-Timing: parse;dur=0.011, open;dur=0.004, plan;dur=0.006, cache;desc="rendered";dur=0.020,
///                decode;dur=2.315, transform;dur=0.410, encode;dur=1.902, total;dur=4.801
/// ```
enum ServerTimingHeader {
    /// The header's value.
    static func value(_ summary: RequestTimeline.Summary, total: Duration) -> String {
        var entries: [String] = []
        for stage in RequestStage.allCases {
            let time = summary[stage]
            guard time.count > 0 else { continue }
            var entry = stage.name
            if stage == .cache, summary.cache != .none { entry += ";desc=\"\(summary.cache.name)\"" }
            entries.append(entry + ";dur=" + milliseconds(time.total))
        }
        entries.append("total;dur=" + milliseconds(total))
        return entries.joined(separator: ", ")
    }

    /// `duration` in milliseconds with three decimals (microsecond precision).
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = max(duration.nanoseconds / 1000, 0)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
