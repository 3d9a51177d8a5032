import Foundation
import IIPTestSupport
import Testing

/// Issue 14, item 3: no request names anything outside FILESYSTEM_PREFIX. Traversal in every encoding, absolute
/// paths, NUL bytes, very long names and symbolic links that leave the prefix are refused over HTTP and FastCGI,
/// in every protocol; and `strace` on the real executable proves that no open, stat, access or readlink of a path
/// outside the prefix is even attempted while they are answered. ALLOW_SYMLINKS_OUTSIDE_PREFIX=1 lets the links
/// through, and nothing else.
@Suite("Paths outside the prefix", .serialized)
struct PathConfinementTests {
    /// A prefix with images, links inside and out, and a folder outside it with an image of its own.
    struct Layout {
        let prefix: String
        let outside: String

        init() throws {
            try StandardFixtures.prepare()
            let folder = try TestEnvironment.temporaryFolder("paths")
            prefix = folder + "/prefix/"
            outside = folder + "/outside"
            let files = FileManager.default
            try files.createDirectory(atPath: prefix + "sub", withIntermediateDirectories: true)
            try files.createDirectory(atPath: outside, withIntermediateDirectories: true)
            let image = Fixtures.path("grey-lzw.tif")
            for copy in [prefix + "grey.tif", prefix + "sub/nested.tif", outside + "/secret.tif"] {
                try files.copyItem(atPath: image, toPath: copy)
            }
            try "root:x:0:0:root:/root:/bin/bash\n".write(
                toFile: outside + "/passwd", atomically: true, encoding: .utf8)
            let links = [
                ("alias.tif", "grey.tif"), ("sub/up-in.tif", "../grey.tif"),
                ("link-out.tif", "../outside/secret.tif"), ("abs-out.tif", outside + "/secret.tif"),
                ("dir-out", "../outside"), ("sub/up-out.tif", "../../outside/secret.tif"),
                ("loop-a.tif", "loop-b.tif"), ("loop-b.tif", "loop-a.tif"), ("root-out", "/"),
            ]
            for (name, target) in links {
                try files.createSymbolicLink(atPath: prefix + name, withDestinationPath: target)
            }
        }

        /// Names that must be refused: every way of leaving the prefix.
        var hostileNames: [String] {
            let secret = "outside/secret.tif"
            return [
                "../" + secret, "%2e%2e/" + secret, "%2e%2e%2foutside%2fsecret.tif", "..%2foutside%2fsecret.tif",
                "..%2Foutside%2Fsecret.tif", "%252e%252e%252foutside%252fsecret.tif", "..%255c..%255coutside",
                "..%5coutside%5csecret.tif", "..\\outside\\secret.tif", "%c0%ae%c0%ae%c0%afoutside%c0%afsecret.tif",
                "%e0%80%ae%e0%80%ae/" + secret, "%c0%2e%c0%2e/" + secret, "....//" + secret, ".../" + secret,
                "sub/../../" + secret, "sub/%2e%2e/%2e%2e/" + secret, outside + "/secret.tif",
                "%2F" + outside.dropFirst().replacingOccurrences(of: "/", with: "%2F") + "%2Fsecret.tif",
                "/etc/passwd", "//etc/passwd", "../../../../../../etc/passwd", "grey.tif%00/../../" + secret,
                "link-out.tif%00", String(repeating: "a", count: 5000) + ".tif",
                String(repeating: "../", count: 2000) + "etc/passwd", "link-out.tif", "abs-out.tif",
                "dir-out/secret.tif", "dir-out/passwd", "sub/up-out.tif", "loop-a.tif", "root-out/etc/passwd",
                "root-out" + outside + "/secret.tif",
            ]
        }

        /// Names that must be served: the prefix's own files, through links that stay inside.
        static let servedNames = ["grey.tif", "alias.tif", "sub/nested.tif", "sub/up-in.tif"]

        /// The requests for one name in every protocol.
        static func targets(_ name: String) -> [String] {
            let encoded = name.replacingOccurrences(of: "/", with: "%2F")
            return [
                "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&OBJ=Max-size", "/fcgi-bin/iipsrv.fcgi?FIF=\(name)&JTL=0,0",
                "/iiif/\(encoded)/info.json", "/iiif/\(name)/full/max/0/default.jpg", "/deepzoom/\(name).dzi",
                "/zoomify/\(name)/ImageProperties.xml", "/fcgi-bin/iipsrv.fcgi?IIIF=\(name)/info.json",
            ]
        }
    }

    /// Sends every request over HTTP and through nginx; every answer's status, by target.
    static func send(_ targets: [String], httpPort: Int, nginx: NginxFrontend) async throws -> [(String, Int)] {
        var answers: [(String, Int)] = []
        for target in targets {
            answers.append(("http " + target, try await TestHTTPClient.get(port: httpPort, target).status))
            answers.append(("fastcgi " + target, try await nginx.get(target).status))
        }
        return answers
    }

    @Test func nothingOutsideThePrefixIsEvenLookedAt() async throws {
        let strace = try TestEnvironment.require("strace", package: "strace")
        let layout = try Layout()
        let folder = try TestEnvironment.temporaryFolder("paths-strace")
        let trace = folder + "/trace.txt"
        let httpPort = try TestEnvironment.freePort()
        let fastCGIPort = try TestEnvironment.freePort()
        let calls = [
            "open", "openat", "openat2", "creat", "stat", "lstat", "newfstatat", "statx", "access", "faccessat",
            "faccessat2", "readlink", "readlinkat", "truncate", "chdir", "execve", "statfs", "mkdir", "unlink",
            "rename", "renameat", "renameat2", "name_to_handle_at",
        ]
        let process = try ExternalProcess(
            strace,
            [
                "-f", "-qq", "-s", "65536", "-e", "trace=" + calls.joined(separator: ","), "-o", trace,
                TestEnvironment.serverExecutable, "--http", "127.0.0.1:\(httpPort)", "--fcgi",
                "127.0.0.1:\(fastCGIPort)",
            ],
            environment: [
                "FILESYSTEM_PREFIX": layout.prefix, "LOGFILE": "stderr", "VERBOSITY": "1", "MEMCACHED_SERVERS": "",
                "FILE_CHECK_INTERVAL": "0",
            ],
            logDirectory: folder)
        defer { Task { await process.stop() } }
        try await TestEnvironment.waitForPort(httpPort, of: process)
        try await TestEnvironment.waitForPort(fastCGIPort, of: process)
        let nginx = try await NginxFrontend.start(upstream: .tcp(port: fastCGIPort))
        defer { Task { await nginx.stop() } }

        // Markers around the hostile requests: a lookup of each in the trace bounds the part that is checked.
        _ = try await TestHTTPClient.get(port: httpPort, "/?FIF=strace-marker-begin.tif&OBJ=Max-size")
        let hostile = layout.hostileNames.flatMap(Layout.targets)
        let answers = try await Self.send(hostile, httpPort: httpPort, nginx: nginx)
        let served = try await Self.send(
            Layout.servedNames.map { "/fcgi-bin/iipsrv.fcgi?FIF=\($0)&JTL=0,0" }, httpPort: httpPort, nginx: nginx)
        _ = try await TestHTTPClient.get(port: httpPort, "/?FIF=strace-marker-end.tif&OBJ=Max-size")
        print("paths: \(layout.hostileNames.count) hostile names, \(answers.count) requests, all traced")

        for (target, status) in answers {
            #expect((400..<500).contains(status), "\(status) for \(target.prefix(160))")
        }
        for (target, status) in served { #expect(status == 200, "\(status) for \(target)") }
        #expect(process.isRunning)

        // The trace between the markers: every path the server looked at is inside the prefix.
        await process.stop()
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let begin = try #require(lines.firstIndex { $0.contains("strace-marker-begin") }, "no begin marker in trace")
        let end = try #require(lines.lastIndex { $0.contains("strace-marker-end") }, "no end marker in trace")
        var looked = 0
        var outside: [Substring] = []
        for line in lines[begin...end] {
            guard let path = Self.firstPath(line), !path.isEmpty else { continue }
            looked += 1
            // A name such as `/etc/passwd` is looked up as `<prefix>/etc/passwd`: inside, and harmless. The process
            // statistics of /metrics (`/proc/<pid>/stat`, read in the background) are no request's doing.
            if !path.hasPrefix(layout.prefix) && !(path.hasPrefix("/proc/") && path.hasSuffix("/stat")) {
                outside.append(line)
            }
        }
        print("paths: \(looked) path system calls traced between the markers, \(outside.count) outside the prefix")
        #expect(looked > hostile.count / 2, "the trace holds too few lookups (\(looked)) to prove anything")
        #expect(outside.isEmpty, "looked at outside the prefix:\n\(outside.prefix(20).joined(separator: "\n"))")
    }

    @Test func linksOutsideAreServedWhenAllowedAndTraversalStillIsNot() async throws {
        let layout = try Layout()
        let folder = try TestEnvironment.temporaryFolder("paths-allowed")
        let instance = try await ClusterInstance.start(
            name: "paths-allowed",
            environment: [
                "FILESYSTEM_PREFIX": layout.prefix, "LOGFILE": "stderr", "VERBOSITY": "1", "MEMCACHED_SERVERS": "",
                "ALLOW_SYMLINKS_OUTSIDE_PREFIX": "1",
            ], folder: folder)
        defer { Task { await instance.process.stop() } }
        for name in ["link-out.tif", "abs-out.tif", "dir-out/secret.tif", "sub/up-out.tif"] + Layout.servedNames {
            let response = try await instance.get("/?FIF=\(name)&JTL=0,0")
            #expect(response.status == 200, "\(name): \(response.status)")
        }
        for name in ["../outside/secret.tif", "..%2foutside%2fsecret.tif", "%252e%252e%252foutside%252fsecret.tif"] {
            let response = try await instance.get("/?FIF=\(name)&JTL=0,0")
            #expect((400..<500).contains(response.status), "\(name): \(response.status)")
        }
    }

    /// The first quoted argument of a traced system call (`openat(AT_FDCWD, "/path", ...)`), unescaped enough to
    /// compare prefixes.
    static func firstPath(_ line: Substring) -> String? {
        guard let open = line.firstIndex(of: "(") else { return nil }
        let arguments = line[line.index(after: open)...]
        guard let quote = arguments.firstIndex(of: "\"") else { return nil }
        var path = ""
        var escaped = false
        for character in arguments[arguments.index(after: quote)...] {
            if escaped {
                path.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
                path.append(character)
            } else if character == "\"" {
                return path
            } else {
                path.append(character)
            }
        }
        return path
    }
}
