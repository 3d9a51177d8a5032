import Foundation
import IIPTestSupport

/// A private lighttpd (Debian's) running the project's example configuration (`Config/lighttpd/iipsrv-async.conf`),
/// with only paths and ports replaced, so the example itself is what the tests exercise.
final class LighttpdFrontend: Sendable {
    /// Where lighttpd listens (HTTP).
    let port: Int
    /// lighttpd's process.
    let process: ExternalProcess
    let folder: String
    /// The rendered example, as lighttpd reads it.
    let configuration: String

    /// Which of the example's two `fastcgi.server` blocks is used.
    enum Backend: Sendable {
        /// The active block: lighttpd starts the server binary (`bin-path`) with its socket on descriptor 0, its
        /// environment from `bin-environment`, memcached at `memcachedPort`.
        case spawned(memcachedPort: Int)
        /// The commented variant: a server started separately, on FastCGI at 127.0.0.1:`port`.
        case separate(port: Int)
    }

    private init(port: Int, process: ExternalProcess, folder: String, configuration: String) {
        self.port = port
        self.process = process
        self.folder = folder
        self.configuration = configuration
    }

    /// Where the example's LOGFILE points once rendered (the spawned server's log).
    var serverLog: String { folder + "/iipsrv-async.log" }

    /// Renders the example for `backend` and starts lighttpd in the foreground.
    static func start(backend: Backend) async throws -> LighttpdFrontend {
        let lighttpd = try TestEnvironment.require("lighttpd", package: "lighttpd")
        let folder = try TestEnvironment.temporaryFolder("lighttpd")
        try FileManager.default.createDirectory(atPath: folder + "/www", withIntermediateDirectories: true)
        let port = try TestEnvironment.freePort()
        let site = try render(backend: backend, folder: folder)
        try site.write(toFile: folder + "/iipsrv-async.conf", atomically: true, encoding: .utf8)
        // The parts of Debian's /etc/lighttpd/lighttpd.conf that matter here, with the example included where
        // Debian includes conf-enabled/.
        let main = """
            server.document-root = "\(folder)/www"
            server.bind = "127.0.0.1"
            server.port = \(port)
            server.errorlog = "\(folder)/error.log"
            server.modules = ( "mod_indexfile", "mod_access", "mod_alias", "mod_redirect" )
            url.access-deny = ( "~", ".inc" )
            include "\(folder)/iipsrv-async.conf"
            server.modules += ( "mod_dirlisting", "mod_staticfile" )
            """
        try main.write(toFile: folder + "/lighttpd.conf", atomically: true, encoding: .utf8)
        let process = try ExternalProcess(lighttpd, ["-D", "-f", folder + "/lighttpd.conf"], logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: process)
        let frontend = LighttpdFrontend(port: port, process: process, folder: folder, configuration: site)
        if case .spawned = backend {
            // lighttpd listens before the server it spawns has exec'd: wait until that server answers.
            for _ in 0..<100 where frontend.spawnedServers.isEmpty {
                _ = try? await frontend.get("/health")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        return frontend
    }

    /// The example with paths and ports replaced; for `.separate`, the `bin-path` block commented out and the
    /// host/port block uncommented, as its comment tells the reader to do.
    static func render(backend: Backend, folder: String) throws -> String {
        let text = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/lighttpd/iipsrv-async.conf", encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        switch backend {
        case .spawned(let memcachedPort):
            lines = try replacing(
                [
                    ("\"/run/lighttpd/iipsrv-async.sock\"", "\"\(folder)/iipsrv-async.sock\""),
                    ("\"/usr/local/bin/iipsrv-async\"", "\"\(TestEnvironment.serverExecutable)\""),
                    ("\"/var/www/images/\"", "\"\(Fixtures.directory)/\""),
                    ("\"/var/log/lighttpd/iipsrv-async.log\"", "\"\(folder)/iipsrv-async.log\""),
                    ("\"127.0.0.1:11211\"", "\"127.0.0.1:\(memcachedPort)\""),
                ], in: lines)
        case .separate(let port):
            let spawned = try block(from: "fastcgi.server += (", to: ")", in: lines)
            let separate = try block(from: "#fastcgi.server += (", to: "#)", in: lines)
            for index in spawned { lines[index] = "#" + lines[index] }
            for index in separate { lines[index] = String(lines[index].dropFirst()) }
            lines = try replacing([("\"port\" => 9000,", "\"port\" => \(port),")], in: lines)
        }
        return lines.joined(separator: "\n")
    }

    /// The variables of the rendered example's `bin-environment`, which lighttpd passes to the server it starts.
    var binEnvironment: [String: String] {
        let lines = configuration.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.contains("\"bin-environment\" => (") }) else { return [:] }
        var values: [String: String] = [:]
        for line in lines[(start + 1)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(")") { break }
            let parts = trimmed.components(separatedBy: "\" => \"")
            guard parts.count == 2, parts[0].hasPrefix("\""), parts[1].hasSuffix("\",") else { continue }
            values[String(parts[0].dropFirst())] = String(parts[1].dropLast(2))
        }
        return values
    }

    /// Sends a request through lighttpd.
    func get(_ target: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await TestHTTPClient.get(port: port, target, headers: headers)
    }

    /// The server processes lighttpd started (its children running the server binary).
    var spawnedServers: [pid_t] { ProcessTable.children(of: process.pid, named: "iipsrv-async") }

    /// lighttpd's error log so far.
    var errorLog: String { (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? "" }

    /// Stops lighttpd (and with its process group the server it started).
    func stop() async {
        await process.stop(grace: .seconds(10))
    }

    private static func replacing(_ replacements: [(String, String)], in lines: [String]) throws -> [String] {
        var lines = lines
        for (original, replacement) in replacements {
            guard lines.contains(where: { $0.contains(original) }) else {
                throw TemplateChanged(text: original)
            }
            lines = lines.map { $0.replacingOccurrences(of: original, with: replacement) }
        }
        return lines
    }

    /// The indices of the lines from one that is exactly `first` to the next that is exactly `last`.
    private static func block(from first: String, to last: String, in lines: [String]) throws -> ClosedRange<Int> {
        guard let start = lines.firstIndex(of: first) else { throw TemplateChanged(text: first) }
        guard let end = lines[start...].firstIndex(of: last) else { throw TemplateChanged(text: last) }
        return start...end
    }

    struct TemplateChanged: Error, CustomStringConvertible {
        var text: String
        var description: String { "Config/lighttpd/iipsrv-async.conf no longer contains '\(text)'" }
    }
}
