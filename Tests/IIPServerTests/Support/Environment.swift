import Foundation

/// Paths and tools the integration tests use.
enum TestEnvironment {
    /// The package's root folder (where Package.swift is).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// The `iipsrv-async` executable built next to the test bundle, or `$IIP_SERVER_EXECUTABLE` when set (to run
    /// the process-level tests against another build, such as a release binary or an older commit).
    static var serverExecutable: String {
        if let override = ProcessInfo.processInfo.environment["IIP_SERVER_EXECUTABLE"], !override.isEmpty {
            return override
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [runner.appendingPathComponent("iipsrv-async").path]
        candidates.append(packageRoot + "/.build/debug/iipsrv-async")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// A new folder for one test's files.
    static func temporaryFolder(_ name: String) throws -> String {
        let folder = NSTemporaryDirectory() + "iipsrv-async-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A TCP port nothing listens on right now, below the kernel's ephemeral range.
    ///
    /// Ports from `bind(0)` would race with every other test that binds port 0: the kernel may hand the same
    /// port to another listener before the program it was chosen for binds it. Ports under 32768 are never handed
    /// out that way.
    static func freePort() throws -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: 20000..<32000)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(candidate).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(descriptor)
            if bound == 0 { return candidate }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// Waits until `process` accepts connections on `port`; fails if it exits first (it could not bind).
    static func waitForPort(_ port: Int, of process: ExternalProcess) async throws {
        for _ in 0..<200 {
            guard process.isRunning else { throw ProcessEnded(name: process.name, output: process.output) }
            if (try? await TestHTTPClient.connectOnly(port: port)) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw POSIXError(.ETIMEDOUT)
    }

    struct ProcessEnded: Error, CustomStringConvertible {
        var name: String
        var output: String
        var description: String { "\(name) exited before listening: \(output.suffix(1000))" }
    }

    /// A tool the suite needs; a clear failure when it is missing (CI installs it).
    static func require(_ program: String, package: String) throws -> String {
        guard let path = ExternalProcess.find(program) else {
            throw MissingTool(program: program, package: package)
        }
        return path
    }

    struct MissingTool: Error, CustomStringConvertible {
        var program: String
        var package: String
        var description: String { "\(program) is not installed: apt-get install \(package) (.ci/test does)" }
    }
}
