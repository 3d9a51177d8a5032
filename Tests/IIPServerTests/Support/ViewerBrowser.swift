import Foundation
import IIPTestSupport

/// Debian's chromium, headless, driven through Playwright (PyPI, installed by `.ci/install-deps` into
/// `.build/viewer-browser`) by `.ci/viewer-browser/check.py`, which prints one line per check and a count.
enum ViewerBrowser {
    /// The browser; Playwright never downloads its own.
    static let chromium = "/usr/bin/chromium"

    /// The environment's python, from `$VIEWER_BROWSER_PYTHON` or the project's private environment.
    static let python: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment["VIEWER_BROWSER_PYTHON"],
            TestEnvironment.packageRoot + "/.build/viewer-browser/bin/python",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The driver script, in the repository.
    static var script: String { TestEnvironment.packageRoot + "/.ci/viewer-browser/check.py" }

    /// Whether the suite runs: when chromium and Playwright are installed, or when `.ci/test` demands every
    /// reference tool (IIP_REQUIRE_REFERENCE=1; then a missing one fails the suite).
    static var enabled: Bool {
        (python != nil && FileManager.default.isExecutableFile(atPath: chromium)) || ReferenceServer.required
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The images the test serves, in the order the list must show them.
    static let images = ["mandelbrot.tif", "more/grey.tif"]

    /// A folder with the demo image, written by the server executable as `.ci/demo` writes it, and a second image
    /// in a subfolder.
    static func folder() async throws -> String {
        let folder = try TestEnvironment.temporaryFolder("viewer-browser")
        let demo = try ExternalProcess(
            TestEnvironment.serverExecutable, ["--generate-demo", folder + "/" + images[0]], logDirectory: folder)
        guard await demo.waitForExit(timeout: .seconds(120)) == 0 else {
            throw Failure(description: "--generate-demo failed: \(demo.output)")
        }
        try FileManager.default.createDirectory(atPath: folder + "/more", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Fixtures.path(try Fixtures.make(StandardFixtures.greyLZW)), toPath: folder + "/" + images[1])
        return folder
    }

    /// The outcome of one run: the counts and the driver's whole output.
    struct Result {
        var checks: Int
        var failures: Int
        var output: String
    }

    /// Runs every check against the viewer page at `url`; the screenshot goes to `screenshot` when given.
    static func run(url: String, screenshot: String? = nil) async throws -> Result {
        guard let python else {
            throw Failure(description: "Playwright is not installed: run .ci/install-deps")
        }
        guard FileManager.default.isExecutableFile(atPath: chromium) else {
            throw Failure(description: "chromium is not installed: apt-get install chromium (.ci/install-deps does)")
        }
        let work = try TestEnvironment.temporaryFolder("viewer-browser-run")
        var arguments = [script, url, "--images", images.joined(separator: ","), "--work", work]
        if let screenshot { arguments += ["--screenshot", screenshot] }
        let process = try ExternalProcess(python, arguments, logDirectory: work)
        _ = await process.waitForExit(timeout: .seconds(300))
        let output = process.output
        guard let done = output.firstMatch(of: /Done \((\d+) checks, (\d+) failures\)/),
            let checks = Int(done.1), let failures = Int(done.2)
        else { return Result(checks: 0, failures: -1, output: output) }
        return Result(checks: checks, failures: failures, output: output)
    }
}
