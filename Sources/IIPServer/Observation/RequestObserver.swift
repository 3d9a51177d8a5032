import HTTPTypes
import IIPPipeline
import IIPProtocol
import Logging

/// Watches each request the frontends answer and feeds what it did, from one ``RequestTimeline``, to the metrics,
/// the `Server-Timing` header, the access log and the trace, whichever are on. With all of them off it does not
/// exist, and a request costs what it did before.
struct RequestObserver: Sendable {
    let metrics: RequestMetrics?
    let serverTiming: Bool
    let accessLog: Logger?
    let trace: RequestTrace?

    /// The observer for `configuration`, or `nil` when nothing observes requests.
    ///
    /// - Parameter logger: Access log lines go to it when it logs at debug level (VERBOSITY 2 and above).
    init?(configuration: ServerConfiguration, logger: Logger) {
        metrics = configuration.metrics ? RequestMetrics() : nil
        serverTiming = configuration.serverTiming
        accessLog = logger.logLevel <= .debug ? logger : nil
        trace = configuration.tracing ? RequestTrace() : nil
        if metrics == nil, !serverTiming, accessLog == nil, trace == nil { return nil }
    }

    /// Answers `request` with `respond`, timed, and records it.
    func observe(
        _ request: ServerRequest, from frontend: RequestFrontend, _ respond: () async -> ServerResponse
    ) async -> ServerResponse {
        let timeline = RequestTimeline()
        var response = await RequestTimeline.$current.withValue(timeline) { await respond() }
        let end = ContinuousClock.now
        let elapsed = end - timeline.start
        let summary = timeline.summary
        let status = Int(response.status.code)
        let bytes = request.method == .head ? 0 : response.body.readableBytes
        metrics?.record(summary, frontend: frontend, status: status, bodyBytes: bytes, elapsed: elapsed)
        if serverTiming {
            response.headerFields[.serverTiming] = ServerTimingHeader.value(summary, total: elapsed)
        }
        accessLog?.debug(
            AccessLogLine.message,
            metadata: AccessLogLine.metadata(
                request, summary: summary, frontend: frontend, status: status, bodyBytes: bytes, elapsed: elapsed))
        trace?.record(
            request, timeline: timeline, summary: summary, frontend: frontend, status: status, bodyBytes: bytes,
            end: end)
        return response
    }
}

extension HTTPField.Name {
    fileprivate static let serverTiming = Self("Server-Timing")!
}
