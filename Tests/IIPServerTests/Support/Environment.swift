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

    /// The `iipsrv-async` executable built next to the test bundle.
    static var serverExecutable: String {
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

    /// A TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts connections on `port` (at most ten seconds).
    static func waitForPort(_ port: Int) async throws {
        for _ in 0..<200 {
            if (try? await TestHTTPClient.connectOnly(port: port)) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw POSIXError(.ETIMEDOUT)
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
