import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A small OpenTelemetry collector for tests: an HTTP server taking OTLP/HTTP JSON exports on `/v1/traces` and
/// keeping the spans it receives, as a real collector would hand them on.
final class OTLPCollector: Sendable {
    /// One span as received.
    struct Span: Sendable {
        var name: String
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var kind: Int
        var start: UInt64
        var end: UInt64
        var attributes: [String: String]
    }

    private actor Store {
        var spans: [Span] = []
        var exports = 0
        func add(_ received: [Span]) {
            spans += received
            exports += 1
        }
    }

    private let store: Store
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    /// The port it listens on.
    let port: Int

    private init(store: Store, group: ServiceGroup, task: Task<Void, any Error>, port: Int) {
        self.store = store
        self.group = group
        self.task = task
        self.port = port
    }

    /// Starts a collector on a free loopback port.
    static func start() async throws -> OTLPCollector {
        let port = try TestEnvironment.freePort()
        let store = Store()
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            await store.add(Self.spans(in: Data(buffer: body)))
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: "{}")))
        }
        var logger = Logger(label: "otlp-collector")
        logger.logLevel = .critical
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task { try await group.run() }
        for _ in 0..<200 where (try? await TestHTTPClient.connectOnly(port: port)) == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        return OTLPCollector(store: store, group: group, task: task, port: port)
    }

    /// The spans received so far.
    var spans: [Span] {
        get async { await store.spans }
    }

    /// Waits until at least `count` spans arrived, for up to `timeout`, and returns them.
    func waitForSpans(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Span] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let received = await spans
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(50))
        }
        return await spans
    }

    /// Stops the server.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// The spans of an OTLP JSON export (`ExportTraceServiceRequest`).
    static func spans(in data: Data) -> [Span] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        var spans: [Span] = []
        for resource in root["resourceSpans"] as? [[String: Any]] ?? [] {
            for scope in resource["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scope["spans"] as? [[String: Any]] ?? [] {
                    var attributes: [String: String] = [:]
                    for attribute in span["attributes"] as? [[String: Any]] ?? [] {
                        guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any],
                            let first = value.values.first
                        else { continue }
                        attributes[key] = "\(first)"
                    }
                    spans.append(
                        Span(
                            name: span["name"] as? String ?? "", traceID: Self.identifier(span["traceId"]),
                            spanID: Self.identifier(span["spanId"]),
                            parentSpanID: Self.identifier(span["parentSpanId"]),
                            kind: Self.kind(span["kind"]), start: Self.nanoseconds(span["startTimeUnixNano"]),
                            end: Self.nanoseconds(span["endTimeUnixNano"]), attributes: attributes))
                }
            }
        }
        return spans
    }

    /// A trace or span id in lowercase hex: OTLP/JSON writes them in hex, protobuf's JSON mapping in base64.
    private static func identifier(_ value: Any?) -> String {
        guard let text = value as? String, !text.isEmpty else { return "" }
        if text.count % 2 == 0, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
        guard let bytes = Data(base64Encoded: text) else { return text }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func nanoseconds(_ value: Any?) -> UInt64 {
        if let text = value as? String { return UInt64(text) ?? 0 }
        if let number = value as? NSNumber { return number.uint64Value }
        return 0
    }

    private static func kind(_ value: Any?) -> Int {
        if let number = value as? NSNumber { return number.intValue }
        switch value as? String {
        case "SPAN_KIND_INTERNAL": return 1
        case "SPAN_KIND_SERVER": return 2
        default: return 0
        }
    }
}
