import IIPPipeline
import Metrics

/// The per-request metrics: requests by protocol, frontend and status class, latency and bytes per protocol, time
/// per stage. Every series is made once, up front, so recording a request is a few atomic updates and no lookup.
final class RequestMetrics: Sendable {
    private static let statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"]
    private let requests: [Counter]
    private let durations: [Metrics.Timer]
    private let bytes: [Counter]
    private let stages: [Metrics.Timer]

    /// Makes the series with the bootstrapped metrics factory.
    init() {
        var requests: [Counter] = []
        for requestProtocol in RequestProtocol.allCases {
            for frontend in RequestFrontend.allCases {
                for status in Self.statusClasses {
                    requests.append(
                        Counter(
                            label: "iip_requests_total",
                            dimensions: [
                                ("protocol", requestProtocol.name), ("frontend", frontend.name), ("status", status),
                            ]))
                }
            }
        }
        self.requests = requests
        durations = RequestProtocol.allCases.map {
            Metrics.Timer(label: "iip_request_duration_seconds", dimensions: [("protocol", $0.name)])
        }
        bytes = RequestProtocol.allCases.map {
            Counter(label: "iip_response_bytes_total", dimensions: [("protocol", $0.name)])
        }
        stages = RequestStage.allCases.map {
            Metrics.Timer(label: "iip_stage_duration_seconds", dimensions: [("stage", $0.name)])
        }
    }

    /// Records one answered request.
    func record(
        _ summary: RequestTimeline.Summary, frontend: RequestFrontend, status: Int, bodyBytes: Int, elapsed: Duration
    ) {
        let requestProtocol = summary.requestProtocol.rawValue
        let statusClass = min(max(status / 100, 1), 5) - 1
        let series =
            (requestProtocol * RequestFrontend.allCases.count + frontend.rawValue) * Self.statusClasses.count
            + statusClass
        requests[series].increment()
        durations[requestProtocol].recordNanoseconds(elapsed.nanoseconds)
        if bodyBytes > 0 { bytes[requestProtocol].increment(by: Int64(bodyBytes)) }
        for stage in RequestStage.allCases {
            let time = summary[stage]
            if time.count > 0 { stages[stage.rawValue].recordNanoseconds(time.total.nanoseconds) }
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : product &+ attoseconds / 1_000_000_000
    }
}
