import Foundation
import IIPServer
import IIPTestSupport
import Testing

/// `/metrics` says what ``MetricCatalog`` says, and the README lists the same metrics: a metric added without a
/// line in the catalog, or a line for a metric that is never exported, fails here.
@Suite("Metric catalog")
struct MetricCatalogTests {
    init() throws { try StandardFixtures.prepare() }

    /// The `# TYPE` lines of a Prometheus text: name to type.
    static func types(_ text: String) -> [String: String] {
        var types: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
        }
        return types
    }

    @Test func theExecutablesMetricsAreTheCatalogsWithHelpAndNoImagePath() async throws {
        let folder = try TestEnvironment.temporaryFolder("metric-catalog")
        let (server, port) = try await ExecutableTests.start([:], folder: folder)
        let image = StandardFixtures.rgbJPEG.name
        for target in [
            "/fcgi-bin/iipsrv.fcgi?FIF=\(image)&JTL=1,0", "/iiif/\(image)/full/200,/0/default.jpg",
            "/fcgi-bin/iipsrv.fcgi?FIF=absent.tif&OBJ=Max-size",
        ] {
            _ = try await TestHTTPClient.get(port: port, target)
        }
        let text = try await TestHTTPClient.get(port: port, "/metrics").text
        await server.stop()
        let exported = Self.types(text)
        let catalog = Dictionary(uniqueKeysWithValues: MetricCatalog.entries.map { ($0.name, $0) })
        #expect(Set(exported.keys) == Set(catalog.keys))
        for (name, type) in exported { #expect(catalog[name]?.type == type, "\(name): \(type)") }
        for entry in MetricCatalog.entries {
            #expect(text.contains("# HELP \(entry.name) \(entry.help)\n"), "\(entry.name)")
        }
        // Bounded labels: no value names an image or holds a path.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(!line.contains(image) && !line.contains("absent") && !line.contains("/"), "\(line)")
        }
        #expect(text.contains("iip_requests_total{protocol=\"iip\",frontend=\"http\",status=\"2xx\"} 1\n"))
        #expect(text.contains("iip_requests_total{protocol=\"iip\",frontend=\"http\",status=\"4xx\"} 1\n"))
        #expect(text.contains("iip_requests_total{protocol=\"iiif3\",frontend=\"http\",status=\"2xx\"} 1\n"))
        #expect(text.contains("iip_tiles_passed_through_total 1\n"))
    }

    @Test func theReadmeListsEveryMetric() throws {
        let readme = try String(contentsOfFile: TestEnvironment.packageRoot + "/README.md", encoding: .utf8)
        for entry in MetricCatalog.entries {
            let row = "| `\(entry.name)` | \(entry.type) | \(entry.labels.joined(separator: ", ")) | \(entry.help) |"
            #expect(readme.contains(row), "\(row)")
        }
    }
}
