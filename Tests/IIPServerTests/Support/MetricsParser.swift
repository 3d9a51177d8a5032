import Foundation

/// The Prometheus text parser of PyPI's `prometheus_client` (`prometheus_client.parser`), installed by
/// `.ci/install-deps` into `.build/metrics-parser` and run by `.ci/metrics/parse.py`, which prints what it parsed as
/// JSON.
enum MetricsParser {
    /// The environment's python, from `$METRICS_PARSER_PYTHON` (set by `.ci/test`) or the project's private one.
    static let python: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment["METRICS_PARSER_PYTHON"],
            TestEnvironment.packageRoot + "/.build/metrics-parser/bin/python",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Whether the tests that need the parser run: when it is installed, or when `.ci/test` demands every tool
    /// (IIP_REQUIRE_REFERENCE=1; then a missing one fails them).
    static var enabled: Bool { python != nil || ReferenceServer.required }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses a `/metrics` answer; throws with the parser's message when it rejects the text.
    static func parse(_ text: String) async throws -> MetricsSnapshot {
        guard let python else {
            throw Failure(description: "prometheus_client is not installed: run .ci/install-deps")
        }
        let folder = try TestEnvironment.temporaryFolder("metrics-parser")
        let input = folder + "/metrics.txt"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        let process = try ExternalProcess(
            python, [TestEnvironment.packageRoot + "/.ci/metrics/parse.py"], input: input, logDirectory: folder)
        guard await process.waitForExit(timeout: .seconds(60)) == 0 else {
            throw Failure(description: "prometheus_client rejects /metrics: \(process.output.suffix(2000))")
        }
        return try JSONDecoder().decode(MetricsSnapshot.self, from: Data(process.output.utf8))
    }
}
