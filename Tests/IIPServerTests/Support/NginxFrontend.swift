import Foundation

/// A private nginx running the project's example configuration (`Config/nginx/iipsrv-async.conf`), with only the
/// listen port and the upstream address replaced, so the example itself is what the tests exercise.
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
    }

    private init(port: Int, process: ExternalProcess, folder: String) {
        self.port = port
        self.process = process
        self.folder = folder
    }

    /// Renders the example for `upstream` and starts nginx with it.
    static func start(upstream: Upstream) async throws -> NginxFrontend {
        let nginx = try TestEnvironment.require("nginx", package: "nginx-light")
        let folder = try TestEnvironment.temporaryFolder("nginx")
        let port = try TestEnvironment.freePort()
        var site = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/nginx/iipsrv-async.conf", encoding: .utf8)
        let server: String
        switch upstream {
        case .tcp(let upstreamPort): server = "server 127.0.0.1:\(upstreamPort);"
        case .unixSocket(let path): server = "server unix:\(path);"
        }
        site = try replacing("    server 127.0.0.1:9000;", with: "    \(server)", in: site)
        site = try replacing("    listen 80;", with: "    listen 127.0.0.1:\(port);", in: site)
        try site.write(toFile: folder + "/site.conf", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: "/etc/nginx/fastcgi_params", toPath: folder + "/fastcgi_params")
        let main = """
            daemon off;
            master_process off;
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
        var line: String
        var description: String { "Config/nginx/iipsrv-async.conf no longer contains '\(line)'" }
    }

    private static func replacing(_ line: String, with replacement: String, in text: String) throws -> String {
        guard text.contains(line + "\n") else { throw TemplateChanged(line: line) }
        return text.replacingOccurrences(of: line + "\n", with: replacement + "\n")
    }
}
