import IIPPipeline
import IIPProtocol
import Logging

/// The access log line written for each request at VERBOSITY 2 and above: logfmt key=value pairs after the
/// timestamp, level and the word `access`, so that log tools (Loki's `logfmt` stage, Vector's `parse_logfmt`,
/// lnav, `grep`) read them without a custom pattern.
///
/// ```
/// 2026-12-03T13:45:12Z debug access bytes=10345 cache=hit frontend=fastcgi method=GET microseconds=184
///     path=/iiif/3/demo.tif/0,0,512,512/512,/0/default.jpg protocol=iiif3 query="" status=200
/// ```
enum AccessLogLine {
    /// The line's message; ``IIPLogHandler`` writes the fields after it, sorted by name.
    static let message: Logger.Message = "access"

    /// The line's fields.
    static func metadata(
        _ request: ServerRequest, summary: RequestTimeline.Summary, frontend: RequestFrontend, status: Int,
        bodyBytes: Int, elapsed: Duration
    ) -> Logger.Metadata {
        [
            "frontend": .string(frontend.name), "protocol": .string(summary.requestProtocol.name),
            "method": .string(method(request.method)), "path": .string(request.path),
            "query": .string(request.query), "status": .stringConvertible(status),
            "bytes": .stringConvertible(bodyBytes),
            "microseconds": .stringConvertible(max(elapsed.nanoseconds / 1000, 0)),
            "cache": .string(summary.cache.name),
        ]
    }

    static func method(_ method: ServerRequest.Method) -> String {
        switch method {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .options: "OPTIONS"
        case .other(let name): name
        }
    }
}
