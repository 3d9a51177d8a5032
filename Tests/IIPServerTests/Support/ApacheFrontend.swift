import Foundation
import IIPTestSupport

/// A private Apache running the project's mod_fcgid example (`Config/apache/iipsrv-async.conf`): Apache starts the
/// server binary itself and passes it the listening socket on descriptor 0. Only paths and the port are replaced.
final class ApacheFrontend: Sendable {
    let port: Int
    private let process: ExternalProcess
    let folder: String

    private init(port: Int, process: ExternalProcess, folder: String) {
        self.port = port
        self.process = process
        self.folder = folder
    }

    static let modules = "/usr/lib/apache2/modules"

    /// Renders the example with its FILESYSTEM_PREFIX pointed at `images` and starts Apache in the foreground.
    static func start(images: String = Fixtures.directory) async throws -> ApacheFrontend {
        let apache = try TestEnvironment.require("apache2", package: "apache2-bin")
        guard FileManager.default.fileExists(atPath: modules + "/mod_fcgid.so") else {
            throw TestEnvironment.MissingTool(program: "mod_fcgid", package: "libapache2-mod-fcgid")
        }
        let folder = try TestEnvironment.temporaryFolder("apache")
        for sub in ["bin", "logs", "run"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        try FileManager.default.createSymbolicLink(
            atPath: folder + "/bin/iipsrv.fcgi", withDestinationPath: TestEnvironment.serverExecutable)
        let port = try TestEnvironment.freePort()
        var site = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/apache/iipsrv-async.conf", encoding: .utf8)
        let replacements = [
            ("\"/usr/local/lib/iipsrv-async/\"", "\"\(folder)/bin/\""),
            ("\"/usr/local/lib/iipsrv-async/iipsrv.fcgi\"", "\"\(folder)/bin/iipsrv.fcgi\""),
            ("\"/var/www/images/\"", "\"\(images)/\""),
            ("\"/var/log/iipsrv-async.log\"", "\"\(folder)/logs/iipsrv-async.log\""),
        ]
        for (original, replacement) in replacements {
            guard site.contains(original) else {
                throw NginxFrontend.TemplateChanged(template: "Config/apache/iipsrv-async.conf", text: original)
            }
            site = site.replacingOccurrences(of: original, with: replacement)
        }
        try site.write(toFile: folder + "/site.conf", atomically: true, encoding: .utf8)
        let main = """
            ServerRoot "\(folder)"
            Listen 127.0.0.1:\(port)
            PidFile \(folder)/run/httpd.pid
            ErrorLog \(folder)/logs/error.log
            LogLevel warn
            LoadModule mpm_event_module \(modules)/mod_mpm_event.so
            LoadModule authz_core_module \(modules)/mod_authz_core.so
            LoadModule alias_module \(modules)/mod_alias.so
            LoadModule mime_module \(modules)/mod_mime.so
            LoadModule fcgid_module \(modules)/mod_fcgid.so
            FcgidIPCDir \(folder)/run/fcgid
            FcgidProcessTableFile \(folder)/run/fcgid_shm
            TypesConfig /dev/null
            Include \(folder)/site.conf
            """
        try main.write(toFile: folder + "/httpd.conf", atomically: true, encoding: .utf8)
        let process = try ExternalProcess(
            apache, ["-f", folder + "/httpd.conf", "-DFOREGROUND"], logDirectory: folder)
        try await TestEnvironment.waitForPort(port, of: process)
        return ApacheFrontend(port: port, process: process, folder: folder)
    }

    /// Sends a request through Apache.
    func get(_ target: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await TestHTTPClient.get(port: port, target, headers: headers)
    }

    /// Stops Apache (and with it the server it started).
    func stop() async {
        await process.stop(grace: .seconds(10))
    }
}
