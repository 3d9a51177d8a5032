import Foundation

/// A wrk run through a frontend, over a rotating list of targets, that counts every answer that is not 2xx (wrk's
/// own `errors.status` counts only 4xx and 5xx) and every socket error, as `PerfTests/Load/loadtest.py` does.
struct WrkLoad: Sendable {
    /// What one run saw.
    struct Outcome: Sendable, CustomStringConvertible {
        var requests: Int
        var nonSuccess: Int
        var connectErrors: Int
        var readErrors: Int
        var writeErrors: Int
        var timeouts: Int

        /// Requests that failed for the client: a non-2xx answer or a broken connection.
        var failed: Int { nonSuccess + socketErrors }
        var socketErrors: Int { connectErrors + readErrors + writeErrors + timeouts }

        var description: String {
            "\(requests) requests, \(nonSuccess) non-2xx, socket errors: connect \(connectErrors), read "
                + "\(readErrors), write \(writeErrors), timeout \(timeouts)"
        }
    }

    private let process: ExternalProcess

    /// The counting part of the script; wrk calls `response` for every answer on the thread that received it.
    private static let counting = """

        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        function init(args) failed = 0 end
        function response(status, headers, body)
            if status < 200 or status > 299 then failed = failed + 1 end
        end
        function done(summary, latency, requests)
            local failed = 0
            for _, thread in ipairs(threads) do failed = failed + thread:get("failed") end
            local e = summary.errors
            io.write(string.format("OUTCOME %d %d %d %d %d %d\\n", summary.requests, failed,
                e.connect, e.read, e.write, e.timeout))
        end
        """

    /// Starts wrk on `port` with `connections` over two threads, each request with `headers`, until ``stop()`` (or
    /// two minutes). wrk's timeout is generous: a slow debug build on a busy machine is not what these runs measure.
    static func start(
        _ targets: [String], port: Int, connections: Int, headers: [String] = [], folder: String
    ) throws -> WrkLoad {
        let wrk = try TestEnvironment.require("wrk", package: "wrk")
        let script = folder + "/load-\(UUID().uuidString.prefix(8)).lua"
        try (WrkScript.rotating(targets) + counting).write(toFile: script, atomically: true, encoding: .utf8)
        let process = try ExternalProcess(
            wrk,
            [
                "-t2", "-c\(connections)", "-d120s", "--timeout", "30s", "-s", script, "http://127.0.0.1:\(port)",
            ] + headers.flatMap { ["-H", $0] },
            logDirectory: folder)
        return WrkLoad(process: process)
    }

    /// Ends the run (on SIGINT wrk stops and reports as at the end of its time) and reads its counts.
    func stop() async throws -> Outcome {
        process.signal(SIGINT)
        guard await process.waitForExit(timeout: .seconds(60)) == 0 else { throw Failed(output: process.output) }
        let fields = process.output.split(separator: "\n").first { $0.hasPrefix("OUTCOME ") }?
            .split(separator: " ").dropFirst().compactMap { Int($0) }
        guard let fields, fields.count == 6 else { throw Failed(output: process.output) }
        return Outcome(
            requests: fields[0], nonSuccess: fields[1], connectErrors: fields[2], readErrors: fields[3],
            writeErrors: fields[4], timeouts: fields[5])
    }

    struct Failed: Error, CustomStringConvertible {
        var output: String
        var description: String { "wrk did not report: \(output.suffix(2000))" }
    }
}
