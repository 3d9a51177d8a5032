import Foundation

/// A private nginx running one of the project's example configurations (`Config/nginx/iipsrv-async.conf`, or
/// `iipsrv-async-instances.conf` for several instances), with only the listen port and the upstream addresses
/// replaced, so the example itself is what the tests exercise.
final class NginxFrontend: Sendable {
    /// Where nginx listens (HTTP).
    let port: Int
    private let process: ExternalProcess
    let folder: String

    /// The upstream the example points at.
    enum Upstream {
        /// `server 127.0.0.1:PORT;`
        case tcp(port: Int)
        /// `server unix:PATH;`
        case unixSocket(path: String)

        /// The `server` directive's address part.
        var server: String {
            switch self {
            case .tcp(let port): "server 127.0.0.1:\(port)"
            case .unixSocket(let path): "server unix:\(path)"
            }
        }
    }

    private init(port: Int, process: ExternalProcess, folder: String) {
        self.port = port
        self.process = process
        self.folder = folder
    }

    /// Renders the example for `upstream` and starts nginx with it.
    static func start(upstream: Upstream) async throws -> NginxFrontend {
        let template = "Config/nginx/iipsrv-async.conf"
        let port = try TestEnvironment.freePort()
        var site = try String(contentsOfFile: TestEnvironment.packageRoot + "/" + template, encoding: .utf8)
        site = try replacing("    server 127.0.0.1:9000;", with: "    \(upstream.server);", in: site, of: template)
        site = try replacing("    listen 80;", with: "    listen 127.0.0.1:\(port);", in: site, of: template)
        return try await start(site: site, port: port, masterProcess: false)
    }

    /// Starts nginx, with a master process so that ``reload(instances:)`` works as `nginx -s reload` does, on the
    /// many-instances example rendered for `instances`.
    static func start(instances: [Upstream]) async throws -> NginxFrontend {
        let port = try TestEnvironment.freePort()
        return try await start(site: try instancesSite(instances, port: port), port: port, masterProcess: true)
    }

    /// What an operator does to add or remove an instance: edits the upstream's server lines, then `nginx -s
    /// reload` (SIGHUP to the master: new workers take the new configuration, the old ones finish their requests).
    func reload(instances: [Upstream]) async throws {
        try Self.instancesSite(instances, port: port).write(
            toFile: folder + "/site.conf", atomically: true, encoding: .utf8)
        process.signal(SIGHUP)
        try await Task.sleep(for: .seconds(1))
    }

    /// `Config/nginx/iipsrv-async-instances.conf` with its two TCP server lines pointed at `instances` (their
    /// `max_fails` and `fail_timeout` kept; with one instance, the second line commented out) and listening on
    /// `port`.
    private static func instancesSite(_ instances: [Upstream], port: Int) throws -> String {
        precondition((1...2).contains(instances.count), "the example has two server lines")
        let template = "Config/nginx/iipsrv-async-instances.conf"
        var site = try String(contentsOfFile: TestEnvironment.packageRoot + "/" + template, encoding: .utf8)
        for (index, address) in ["10.0.0.11:9000", "10.0.0.12:9000"].enumerated() {
            let server = index < instances.count ? instances[index].server : "# server \(address)"
            site = try replacing("    server \(address) ", with: "    \(server) ", in: site, of: template)
        }
        return try replacing("    listen 80;", with: "    listen 127.0.0.1:\(port);", in: site, of: template)
    }

    /// Starts nginx with `site`, a rendered example listening on `port`.
    private static func start(site: String, port: Int, masterProcess: Bool) async throws -> NginxFrontend {
        let nginx = try TestEnvironment.require("nginx", package: "nginx-light")
        let folder = try TestEnvironment.temporaryFolder("nginx")
        try site.write(toFile: folder + "/site.conf", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: "/etc/nginx/fastcgi_params", toPath: folder + "/fastcgi_params")
        // A master started as root runs its workers as nobody, who may not connect to the instances' unix sockets
        // (mode 660, owned by the user running the tests): they run as root too.
        let main = """
            daemon off;
            master_process \(masterProcess ? "on" : "off");
            \(masterProcess && geteuid() == 0 ? "user root;" : "")
            worker_processes 1;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            events { worker_connections 4096; }
            http {
                access_log off;
                client_body_temp_path \(folder)/body;
                fastcgi_temp_path \(folder)/fastcgi;
                proxy_temp_path \(folder)/proxy;
                uwsgi_temp_path \(folder)/uwsgi;
                scgi_temp_path \(folder)/scgi;
                include \(folder)/site.conf;
            }
            """
        try main.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        let process = try ExternalProcess(
            nginx, ["-c", folder + "/nginx.conf", "-p", folder], logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: process)
        return NginxFrontend(port: port, process: process, folder: folder)
    }

    /// Sends a request through nginx.
    func get(_ target: String, method: String = "GET", headers: [(String, String)] = []) async throws
        -> TestHTTPResponse
    {
        try await TestHTTPClient.get(port: port, target, method: method, headers: headers)
    }

    /// nginx's error log so far.
    var errorLog: String { (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? "" }

    /// Stops nginx.
    func stop() async {
        await process.stop()
    }

    struct TemplateChanged: Error, CustomStringConvertible {
        var template: String
        var text: String
        var description: String { "\(template) no longer contains '\(text)'" }
    }

    /// Replaces `text` (a whole line when it ends with `;`, else the start of one), which the example must contain.
    private static func replacing(_ text: String, with replacement: String, in site: String, of template: String)
        throws -> String
    {
        let (text, replacement) = text.hasSuffix(";") ? (text + "\n", replacement + "\n") : (text, replacement)
        guard site.contains(text) else { throw TemplateChanged(template: template, text: text) }
        return site.replacingOccurrences(of: text, with: replacement)
    }
}
