import Foundation
import IIPPipeline
import Testing

/// The deployment examples in Config/ stay true to the code.
@Suite("Config examples")
struct ConfigExamplesTests {
    static func environmentFile() throws -> [String: String] {
        let text = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/iipsrv-async.env", encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    // iipsrv-reference §9: every variable, each with its default.
    @Test func environmentFileListsEveryVariableWithItsDefault() throws {
        let file = try Self.environmentFile()
        let defaults = ServerConfiguration(cores: 4)
        #expect(Set(file.keys) == Set(defaults.summary.map(\.name)))
        let fromFile = ServerConfiguration(environment: file, cores: 4)
        for (expected, actual) in zip(defaults.summary, fromFile.summary) {
            #expect(expected.name == actual.name)
            #expect(expected.value == actual.value, "\(expected.name)")
        }
    }

    @Test func systemdUnitStartsTheFastCGIFrontend() throws {
        let unit = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/systemd/iipsrv-async.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/iipsrv-async --fcgi 127.0.0.1:9000"))
        #expect(unit.contains("EnvironmentFile=/etc/default/iipsrv-async"))
        #expect(unit.contains("KillSignal=SIGTERM"))
        // Issue 8: a server that dies is started again, quickly, but not in an endless loop.
        #expect(unit.contains("\nRestart=on-failure\n"))
        #expect(unit.contains("\nRestartSec=1\n"))
        #expect(unit.contains("\nStartLimitBurst=5\n"))
    }

    // Issue 12, item 4: several instances on one machine, one unix socket each, the ones the nginx example names.
    @Test func systemdTemplateRunsOneInstancePerSocket() throws {
        let unit = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/systemd/iipsrv-async@.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/iipsrv-async --fcgi /run/iipsrv-async/%i.sock"))
        #expect(unit.contains("EnvironmentFile=/etc/default/iipsrv-async"))
        #expect(unit.contains("KillSignal=SIGTERM"))
        // One instance stopping must not remove the folder that holds the other instances' sockets.
        #expect(unit.contains("\nRuntimeDirectory=iipsrv-async\nRuntimeDirectoryPreserve=yes\n"))
        #expect(unit.contains("\nRestart=on-failure\n"))
        let nginx = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/nginx/iipsrv-async-instances.conf", encoding: .utf8)
        for instance in 1...2 {
            #expect(nginx.contains("# server unix:/run/iipsrv-async/\(instance).sock "))
        }
    }

    // systemd's own checker accepts both units as written (only the executable's path is replaced by the built one).
    @Test func systemdAcceptsBothUnits() async throws {
        let analyze = try TestEnvironment.require("systemd-analyze", package: "systemd")
        let folder = try TestEnvironment.temporaryFolder("systemd-units")
        for (file, unit) in [
            ("iipsrv-async.service", "iipsrv-async.service"), ("iipsrv-async@.service", "iipsrv-async@1.service"),
        ] {
            let text = try String(
                contentsOfFile: TestEnvironment.packageRoot + "/Config/systemd/" + file, encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/iipsrv-async", with: TestEnvironment.serverExecutable)
                .write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
            let verify = try ExternalProcess(analyze, ["verify", folder + "/" + unit], logDirectory: folder)
            #expect(await verify.waitForExit(timeout: .seconds(30)) == 0, "\(verify.output)")
            #expect(verify.output.isEmpty, "\(unit): \(verify.output)")
        }
    }
}
