import Foundation
import IIPTestSupport
import Testing

/// `/metrics` of the built executable (issue 13, item 4) serving HTTP and, behind the example nginx, FastCGI: the
/// text parses with prometheus_client's parser and passes `promtool check metrics`; every metric of the contract
/// (`MetricsContract`) and every series the dashboard and the alerts query is there; the counters move by exactly
/// the traffic sent; labels stay bounded; METRICS=0 and ADMIN_ADDRESS move or remove the endpoint.
@Suite(
    "/metrics", .serialized,
    .enabled(if: MetricsParser.enabled, "prometheus_client is not installed: run .ci/install-deps"))
struct MetricsEndpointTests {
    /// The two images the traffic asks for (JPEG tiles, passed through; Deflate tiles, decoded and encoded).
    init() throws {
        for fixture in [StandardFixtures.rgbJPEG, StandardFixtures.rgbDeflate512] { try Fixtures.make(fixture) }
    }

    /// One request of the traffic: the frontend it goes through, the protocol it is counted under, and its status.
    struct Request: Sendable {
        var frontend: MonitoredServer.Frontend
        var protocolName: String
        var target: String
        var status: Int
        var headers: [(String, String)] = []

        /// The status class, as the `status` label names it.
        var statusClass: String { "\(status / 100)xx" }
    }

    /// IIIF 2 is what a client asks for by its context in Accept (IIIF_VERSION is 3, the default).
    static let iiif2 = [("Accept", #"application/ld+json;profile="http://iiif.io/api/image/2/context.json""#)]

    /// The traffic: every protocol on both frontends, JPEG tiles sent as stored (rgb-jpeg-odd.tif's full 256-pixel
    /// tiles), a Deflate tile decoded and encoded and asked for again (tile cache hits), a transformed export, 404s
    /// and 400s.
    static let traffic: [Request] = {
        var traffic: [Request] = []
        for frontend in [MonitoredServer.Frontend.fastcgi, .http] {
            let iip = frontend == .fastcgi ? "/fcgi-bin/iipsrv.fcgi" : "/"
            func add(_ protocolName: String, _ target: String, _ status: Int = 200, _ headers: [(String, String)] = [])
            {
                traffic.append(
                    Request(
                        frontend: frontend, protocolName: protocolName, target: target, status: status, headers: headers
                    ))
            }
            add("iip", "\(iip)?FIF=rgb-jpeg-odd.tif&OBJ=IIP,1.0&OBJ=Max-size")
            add("iip", "\(iip)?FIF=rgb-jpeg-odd.tif&JTL=2,5")
            add("iip", "\(iip)?FIF=rgb-jpeg-odd.tif&JTL=2,6")
            for _ in 0..<3 { add("iip", "\(iip)?FIF=rgb-deflate-512.tif&JTL=1,0") }
            add("iip", "\(iip)?FIF=rgb-deflate-512.tif&RGN=0.2,0.2,0.5,0.5&HEI=200&CNT=1.5&ROT=90&CVT=jpeg")
            add("iip", "\(iip)?FIF=no-such-file.tif&JTL=0,0", 404)
            add("iip", "\(iip)?FIF=rgb-jpeg-odd.tif&OBJ=nonsense", 400)
            add("iiif3", "/iiif/rgb-jpeg-odd.tif/info.json")
            add("iiif3", "/iiif/rgb-jpeg-odd.tif/256,256,256,256/256,/0/default.jpg")
            add("iiif3", "/iiif/rgb-deflate-512.tif/full/200,/90/gray.png")
            add("iiif3", "/iiif/no-such-file.tif/info.json", 404)
            add("iiif3", "/iiif/rgb-jpeg-odd.tif/full/max/0/default.nonsense", 400)
            add("iiif2", "/iiif/rgb-jpeg-odd.tif/info.json", 200, iiif2)
            add("iiif2", "/iiif/rgb-deflate-512.tif/info.json", 200, iiif2)
            add("deepzoom", "/deepzoom/rgb-jpeg-odd.tif.dzi")
            add("deepzoom", "/deepzoom/rgb-jpeg-odd.tif_files/9/1_0.jpg")
            add("zoomify", "/zoomify/rgb-jpeg-odd.tif/ImageProperties.xml")
            add("zoomify", "/zoomify/rgb-jpeg-odd.tif/TileGroup0/2-1-1.jpg")
            add("viewer", "/viewer/")
            add("viewer", "/viewer/images.json")
            add("admin", "/health")
            add("admin", "/ready")
        }
        return traffic
    }()

    /// The image protocols: the requests the pipeline answers, each timed.
    static let imageProtocols = ["iip", "iiif2", "iiif3", "deepzoom", "zoomify"]

    /// The protocols whose counts the test knows exactly (`admin` also counts the test's own scrapes).
    static let exactProtocols = imageProtocols + ["viewer"]

    // Traffic through both frontends moves every counter by what was sent, and every name the dashboard and the
    // alerts query is on /metrics.
    @Test func countersMoveByTheTrafficSent() async throws {
        try await MonitoredServer.with { (server: MonitoredServer) async throws in
            let before = try await MetricsParser.parse(try await server.instance.get("/metrics").text)
            var bytes: [String: Double] = [:]
            for request in Self.traffic {
                let response = try await server.get(
                    request.target, frontend: request.frontend, headers: request.headers)
                #expect(
                    response.status == request.status,
                    "\(request.frontend) \(request.target): \(response.text.prefix(200))")
                bytes[request.protocolName, default: 0] += Double(response.body.count)
            }
            let text = try await server.instance.get("/metrics").text
            let after = try await MetricsParser.parse(text)
            func grew(_ name: String, _ labels: [String: String] = [:]) -> Double {
                after.value(name, labels) - before.value(name, labels)
            }

            // Requests by protocol, frontend and status class: exactly what was sent.
            for protocolName in Self.exactProtocols {
                for frontend in ["http", "fastcgi"] {
                    for status in ["2xx", "4xx"] {
                        let sent = Self.traffic.filter {
                            $0.protocolName == protocolName && $0.frontend.rawValue == frontend
                                && $0.statusClass == status
                        }.count
                        let labels = ["protocol": protocolName, "frontend": frontend, "status": status]
                        #expect(grew("iip_requests_total", labels) == Double(sent), "\(labels)")
                    }
                }
                #expect(
                    grew("iip_response_bytes_total", ["protocol": protocolName]) == bytes[protocolName],
                    "\(protocolName)")
            }
            // One latency observation per image request.
            for protocolName in Self.imageProtocols {
                let sent = Self.traffic.filter { $0.protocolName == protocolName }.count
                #expect(
                    grew("iip_request_duration_seconds_count", ["protocol": protocolName]) == Double(sent),
                    "\(protocolName)")
                #expect(grew("iip_request_duration_seconds_sum", ["protocol": protocolName]) > 0, "\(protocolName)")
            }
            // The probes, plus the first scrape.
            let probes = Self.traffic.filter { $0.protocolName == "admin" }.count
            #expect((Double(probes)...Double(probes + 1)).contains(grew("iip_requests_total", ["protocol": "admin"])))
            #expect(grew("iip_requests_total", ["status": "5xx"]) == 0)

            // Every stage ran (the export is cropped, resized, contrast-stretched, rotated and encoded).
            for stage in MetricsContract.labelValues["stage"] ?? [] {
                #expect(grew("iip_stage_duration_seconds_count", ["stage": stage]) > 0, "\(stage)")
            }
            // The Deflate tile, asked for three times on each frontend, was made once; rgb-jpeg-odd's full JPEG
            // tiles went out as stored.
            #expect(grew("iip_tile_cache_lookups_total", ["result": "hit"]) >= 4)
            #expect(grew("iip_tile_cache_lookups_total", ["result": "miss"]) >= 1)
            #expect(grew("iip_tiles_passed_through_total") >= 2)
            #expect(grew("iip_image_opens_total") >= 2)
            #expect(grew("iip_image_cache_lookups_total", ["result": "hit"]) > 0)
            #expect(grew("iip_memcached_stores_total") >= 1)
            // Every image request passed the intake (the probes and the viewer's files may not go through it).
            let imageRequests = Self.traffic.filter { Self.imageProtocols.contains($0.protocolName) }.count
            #expect(grew("iip_requests_admitted_total") >= Double(imageRequests))
            #expect(grew("iip_requests_rejected_total") == 0)
            // Idle now: nothing waits; the caches and the registry hold what the traffic left.
            #expect(after.value("iip_requests_queued") == 0)
            #expect(after.value("iip_requests_in_flight") <= 1)
            #expect(after.value("iip_codec_jobs_queued") == 0)
            #expect(after.value("iip_codec_threads") >= 1)
            #expect(after.value("iip_codec_threads_busy") <= after.value("iip_codec_threads"))
            #expect(after.value("iip_tile_cache_bytes") > 0 && after.value("iip_tile_cache_entries") > 0)
            #expect(after.value("iip_images_open") >= 2 && after.value("iip_image_handles_open") >= 1)
            #expect(after.value("iip_memcached_servers_down") == 0)

            try Self.expectContract(after)
            let dashboard = try MonitoringFiles.dashboardNames().union(try MonitoringFiles.alertNames())
            let absent = dashboard.filter { !after.has($0) }
            #expect(absent.isEmpty, "queried by Config/ but not on /metrics: \(absent.sorted())")
            let lint = try await Promtool.checkMetrics(text)
            #expect(lint.status == 0 && lint.output.isEmpty, "promtool check metrics: \(lint.output)")
        }
    }

    /// Every metric of the contract is there with its type, and every `iip_` sample has only bounded labels.
    static func expectContract(_ snapshot: MetricsSnapshot) throws {
        for (name, kind) in MetricsContract.metrics {
            let series = kind == .histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name]
            for part in series { #expect(snapshot.has(part), "\(part) is not on /metrics") }
        }
        for family in snapshot.families {
            guard let sample = family.samples.first, let name = MetricsContract.metric(ofSeries: sample.name),
                let kind = MetricsContract.metrics[name]
            else { continue }
            #expect(family.type == kind.rawValue, "\(name) is a \(family.type)")
        }
        for sample in snapshot.samples where sample.name.hasPrefix("iip_") {
            for (label, value) in sample.labels {
                #expect(MetricsContract.allows(label: label, value: value), "\(sample.name){\(label)=\"\(value)\"}")
                #expect(!value.contains("/") && !value.contains(".tif"), "\(sample.name){\(label)=\"\(value)\"}")
            }
        }
    }

    // METRICS=0: nothing is collected and /metrics is not served on either frontend; the rest is.
    @Test func metricsOffIsNotFound() async throws {
        try await MonitoredServer.with(environment: ["METRICS": "0"]) { (server: MonitoredServer) async throws in
            for frontend in [MonitoredServer.Frontend.http, .fastcgi] {
                #expect(try await server.get("/metrics", frontend: frontend).status == 404, "\(frontend)")
                #expect(try await server.get("/health", frontend: frontend).status == 200, "\(frontend)")
                let target = frontend == .http ? "/?FIF=rgb-jpeg-odd.tif&JTL=0,0" : "/iiif/rgb-jpeg-odd.tif/info.json"
                #expect(try await server.get(target, frontend: frontend).status == 200, "\(frontend)")
            }
        }
    }

    // ADMIN_ADDRESS: /metrics, /health and /ready on their own port; the image frontends answer /metrics with 404.
    @Test func adminAddressServesMetricsAlone() async throws {
        let admin = try TestEnvironment.freePort()
        try await MonitoredServer.with(environment: ["ADMIN_ADDRESS": "127.0.0.1:\(admin)"]) {
            (server: MonitoredServer) async throws in
            try await TestEnvironment.waitForPort(admin, of: server.instance.process)
            for frontend in [MonitoredServer.Frontend.http, .fastcgi] {
                #expect(try await server.get("/metrics", frontend: frontend).status == 404, "\(frontend)")
                #expect(try await server.get("/health", frontend: frontend).status == 200, "\(frontend)")
            }
            let image = try await server.get("/fcgi-bin/iipsrv.fcgi?FIF=rgb-jpeg-odd.tif&JTL=2,5", frontend: .fastcgi)
            #expect(image.status == 200)
            for probe in ["/health", "/ready"] {
                #expect(try await TestHTTPClient.get(port: admin, probe).status == 200, "\(probe)")
            }
            let metrics = try await TestHTTPClient.get(port: admin, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
            let snapshot = try await MetricsParser.parse(metrics.text)
            let labels = ["protocol": "iip", "frontend": "fastcgi", "status": "2xx"]
            #expect(snapshot.value("iip_requests_total", labels) == 1)
            try Self.expectContract(snapshot)
        }
    }
}
