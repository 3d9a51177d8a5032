import Foundation
import IIPPipeline
import IIPTestSupport
import Testing

/// Where a request's time went, as operators see it (issue 13): the `Server-Timing` header, the access log line at
/// VERBOSITY 2, and OpenTelemetry traces sent to a collector. All three are made from one per-request timeline.
@Suite("Server-Timing, access log and traces")
struct ObservabilityTests {
    init() throws { try StandardFixtures.prepare() }

    /// The entries of a Server-Timing header, by name: (description, milliseconds).
    static func serverTiming(_ header: String?) -> [String: (desc: String?, duration: Double)] {
        var entries: [String: (desc: String?, duration: Double)] = [:]
        for entry in (header ?? "").split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = parts.first else { continue }
            var desc: String?
            var duration = -1.0
            for parameter in parts.dropFirst() {
                if parameter.hasPrefix("dur=") { duration = Double(parameter.dropFirst(4)) ?? -1 }
                if parameter.hasPrefix("desc=") {
                    desc = String(parameter.dropFirst(5)).replacingOccurrences(of: "\"", with: "")
                }
            }
            entries[name] = (desc, duration)
        }
        return entries
    }

    @Test(arguments: TestServer.Transport.allCases)
    func serverTimingShowsEachStageAndWhereTheTileCameFrom(transport: TestServer.Transport) async throws {
        let configuration = TestServer.configuration { $0.serverTiming = true }
        try await TestServer.with(transport, configuration) { port in
            let tile = "/iiif/\(StandardFixtures.rgbDeflate512.name)/0,0,512,512/512,/0/default.jpg"
            let first = try await TestHTTPClient.get(port: port, tile)
            #expect(first.status == 200)
            let rendered = Self.serverTiming(first.header("Server-Timing"))
            for stage in ["parse", "open", "plan", "cache", "decode", "transform", "encode", "total"] {
                #expect((rendered[stage]?.duration ?? -1) >= 0, "\(stage) in \(first.header("Server-Timing") ?? "")")
            }
            #expect(rendered["cache"]?.desc == "rendered")
            // No stage took longer than the whole request (decode, transform and encode ran once each).
            let total = try #require(rendered["total"]?.duration)
            #expect(rendered.values.allSatisfy { $0.duration <= total + 0.001 })

            let again = Self.serverTiming(try await TestHTTPClient.get(port: port, tile).header("Server-Timing"))
            #expect(again["cache"]?.desc == "hit")
            #expect(again["decode"] == nil && again["encode"] == nil)

            // A JPEG tile nothing changes is read as stored (codec pass-through): no decode, no encode.
            let stored = Self.serverTiming(
                try await TestHTTPClient.get(
                    port: port, "/fcgi-bin/iipsrv.fcgi?FIF=\(StandardFixtures.rgbJPEG.name)&JTL=1,0"
                )
                .header("Server-Timing"))
            #expect(stored["cache"]?.desc == "stored")
            #expect(stored["decode"] != nil && stored["transform"] == nil && stored["encode"] == nil)

            // A missing image stops at open.
            let missing = try await TestHTTPClient.get(port: port, "/fcgi-bin/iipsrv.fcgi?FIF=no-such.tif&JTL=0,0")
            #expect(missing.status == 404)
            #expect(Set(Self.serverTiming(missing.header("Server-Timing")).keys) == ["parse", "open", "total"])
        }
        // Off by default.
        try await TestServer.with(transport) { port in
            let answer = try await TestHTTPClient.get(
                port: port, "/fcgi-bin/iipsrv.fcgi?FIF=\(StandardFixtures.greyLZW.name)&JTL=0,0")
            #expect(answer.status == 200 && answer.header("Server-Timing") == nil)
        }
    }

    // VERBOSITY 2 writes one logfmt line per request, from both frontends, whatever the request holds.
    @Test func accessLogLinesAreLogfmtWithProtocolStatusBytesTimeAndCache() async throws {
        let cgiFcgi = try TestEnvironment.require("cgi-fcgi", package: "libfcgi-bin")
        let folder = try TestEnvironment.temporaryFolder("access-log")
        let log = folder + "/iipsrv.log"
        let (port, fastCGIPort) = (try TestEnvironment.freePort(), try TestEnvironment.freePort())
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(port)", "--fcgi", "127.0.0.1:\(fastCGIPort)"],
            environment: ["FILESYSTEM_PREFIX": Fixtures.directory + "/", "LOGFILE": log, "VERBOSITY": "2"],
            logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: server)
        try await TestEnvironment.waitForPort(fastCGIPort, of: server)

        let tile = "/iiif/\(StandardFixtures.greyLZW.name)/0,0,256,256/256,/0/default.jpg"
        let first = try await TestHTTPClient.get(port: port, tile)
        let second = try await TestHTTPClient.get(port: port, tile)
        let missing = try await TestHTTPClient.get(port: port, "/?FIF=absent.tif&OBJ=Max-size")
        // A FastCGI request whose query holds a quote, spaces and a line break (nginx would refuse it; a raw
        // FastCGI peer need not): it stays one line, and reads back as sent.
        let hostile = "FIF=a \"b\"\nc=d&OBJ=Max-size"
        let client = try ExternalProcess(
            cgiFcgi, ["-bind", "-connect", "127.0.0.1:\(fastCGIPort)"],
            environment: ["QUERY_STRING": hostile, "REQUEST_METHOD": "GET", "REQUEST_URI": "/fcgi-bin/iipsrv.fcgi"],
            logDirectory: folder)
        #expect(await client.waitForExit(timeout: .seconds(20)) == 0)
        await server.stop()

        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        let access = lines.filter { $0.split(separator: " ").dropFirst(2).first == "access" }
        #expect(access.count == 4, "\(access)")
        let fields = try access.map { try #require(Logfmt.fields($0), "\($0)") }
        guard fields.count == 4 else { return }
        #expect(fields[0]["protocol"] == "iiif3" && fields[0]["frontend"] == "http" && fields[0]["status"] == "200")
        #expect(fields[0]["cache"] == "rendered" && fields[1]["cache"] == "hit")
        #expect(fields[0]["bytes"] == String(first.body.count) && fields[1]["bytes"] == String(second.body.count))
        #expect(fields[0]["path"] == tile)
        #expect(fields[0]["method"] == "GET")
        for line in fields { #expect(Int(line["microseconds"] ?? "") ?? -1 >= 0) }
        #expect(fields[2]["status"] == String(missing.status) && fields[2]["protocol"] == "iip")
        #expect(fields[3]["frontend"] == "fastcgi" && fields[3]["query"] == hostile)
    }

    // A trace per request with a span per stage, sent over OTLP to a collector, continuing the caller's trace.
    @Test func tracesReachAnOTLPCollectorWithAStageSpanEach() async throws {
        let collector = try await OTLPCollector.start()
        let folder = try TestEnvironment.temporaryFolder("otlp")
        let port = try TestEnvironment.freePort()
        let server = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--http", "127.0.0.1:\(port)"],
            environment: [
                "FILESYSTEM_PREFIX": Fixtures.directory + "/",
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collector.port)",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
            ], logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: server)
        let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let callerSpan = "00f067aa0ba902b7"
        let tile = "/iiif/\(StandardFixtures.rgb16.name)/0,0,256,256/256,/0/default.png"
        let answer = try await TestHTTPClient.get(
            port: port, tile, headers: [("traceparent", "00-\(traceID)-\(callerSpan)-01")])
        #expect(answer.status == 200)
        let spans = try await collector.waitForSpans(8)
        await server.stop()
        await collector.stop()

        let request = try #require(spans.first { $0.kind == 2 }, "\(spans.map(\.name))")
        #expect(request.name == "GET iiif3")
        #expect(request.traceID == traceID && request.parentSpanID == callerSpan)
        #expect(request.attributes["http.response.status_code"] == "200")
        #expect(request.attributes["iip.cache"] == "rendered")
        let stages = spans.filter { $0.parentSpanID == request.spanID }
        #expect(
            Set(stages.map(\.name)) == ["parse", "open", "plan", "cache", "decode", "transform", "encode"],
            "\(spans.map(\.name))")
        for stage in stages {
            #expect(stage.traceID == traceID)
            #expect(
                stage.start >= request.start && stage.end <= request.end && stage.start <= stage.end, "\(stage.name)")
        }
    }
}
