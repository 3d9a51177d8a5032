import IIPPipeline
import IIPProtocol
import Tracing

/// Writes a request's trace from its ``RequestTimeline`` once it is answered: a server span for the request and a
/// child span per stage that ran, through the bootstrapped tracer (swift-otel's OTLP exporter in the executable).
///
/// Spans are made after the fact, with the instants the timeline recorded, so the stages run untouched and a
/// server without tracing pays nothing. The request span continues the caller's trace when the request carries a
/// W3C `traceparent` (nginx's OpenTelemetry module sends one).
struct RequestTrace: Sendable {
    /// Writes the spans of one request.
    ///
    /// - Parameters:
    ///   - end: When the response was built.
    func record(
        _ request: ServerRequest, timeline: RequestTimeline, summary: RequestTimeline.Summary,
        frontend: RequestFrontend, status: Int, bodyBytes: Int, end: ContinuousClock.Instant
    ) {
        let tracer = InstrumentationSystem.tracer
        // The timeline's instants are monotonic: place them on the wall clock by their distance from now.
        let wallNow = DefaultTracerClock.now.nanosecondsSinceEpoch
        let monotonicNow = ContinuousClock.now
        func wall(_ instant: ContinuousClock.Instant) -> DefaultTracerClock.Timestamp {
            let before = max((monotonicNow - instant).nanoseconds, 0)
            return DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: wallNow &- UInt64(before))
        }
        var context = ServiceContext.topLevel
        tracer.extract(request, into: &context, using: TraceContextExtractor())
        let method = AccessLogLine.method(request.method)
        let span = tracer.startSpan(
            "\(method) \(summary.requestProtocol.name)", context: context, ofKind: .server, at: wall(timeline.start))
        // A request the sampler left out (OTEL_TRACES_SAMPLER) costs one span decision, not eight spans.
        guard span.isRecording else {
            span.end(at: wall(end))
            return
        }
        span.attributes["http.request.method"] = method
        span.attributes["url.path"] = request.path
        span.attributes["url.query"] = request.query
        span.attributes["http.response.status_code"] = status
        span.attributes["http.response.body.size"] = bodyBytes
        span.attributes["iip.protocol"] = summary.requestProtocol.name
        span.attributes["iip.frontend"] = frontend.name
        span.attributes["iip.cache"] = summary.cache.name
        if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
        for stage in RequestStage.allCases {
            let time = summary[stage]
            guard time.count > 0 else { continue }
            let start = timeline.start + time.offset
            let child = tracer.startSpan(stage.name, context: span.context, ofKind: .internal, at: wall(start))
            if time.count > 1 { child.attributes["iip.stage.runs"] = time.count }
            child.end(at: wall(start + time.total))
        }
        span.end(at: wall(end))
    }
}

/// Reads W3C Trace Context from a request.
struct TraceContextExtractor: Extractor {
    func extract(key: String, from request: ServerRequest) -> String? {
        switch key.lowercased() {
        case "traceparent": request.traceParent
        case "tracestate": request.traceState
        default: nil
        }
    }
}
