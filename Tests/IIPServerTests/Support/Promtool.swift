import Foundation

/// Prometheus's `promtool` (Debian's `prometheus` package): checks configuration files, rule files and
/// `/metrics` text.
enum Promtool {
    /// What one run printed, and its exit status (`nil` when it did not finish in time).
    struct Outcome: Sendable {
        var status: Int32?
        var output: String
    }

    /// Runs `promtool arguments`, with the file at `input` as its standard input.
    static func run(_ arguments: [String], input: String = "/dev/null") async throws -> Outcome {
        let promtool = try TestEnvironment.require("promtool", package: "prometheus")
        let folder = try TestEnvironment.temporaryFolder("promtool")
        let process = try ExternalProcess(promtool, arguments, input: input, logDirectory: folder)
        let status = await process.waitForExit(timeout: .seconds(60))
        return Outcome(status: status, output: process.output)
    }

    /// `promtool check metrics` on a `/metrics` answer: the names, types and help texts linted.
    static func checkMetrics(_ text: String) async throws -> Outcome {
        let folder = try TestEnvironment.temporaryFolder("promtool-metrics")
        let input = folder + "/metrics.txt"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        return try await run(["check", "metrics"], input: input)
    }
}
