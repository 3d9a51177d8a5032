import Foundation
import Testing

/// The viewer page in a real browser (Debian's chromium, headless), over HTTP at `/` and through the example nginx
/// at `/viewer/`, on the demo image: the list, tiles that decode, deeper tiles on zoom, panning, a transform that
/// changes the tile requests, rotation, the export download, a screenshot that is not blank, and no console error.
/// `.ci/viewer-browser/check.py` lists the checks. IIP_VIEWER_SCREENSHOT=FILE keeps the HTTP run's screenshot.
@Suite("Viewer in a browser", .serialized, .enabled(if: ViewerBrowser.enabled, "chromium or Playwright not installed"))
struct ViewerBrowserTests {
    static let checks = 15

    @Test(arguments: TestServer.Transport.allCases)
    func everyCheckPasses(transport: TestServer.Transport) async throws {
        let folder = try await ViewerBrowser.folder()
        let configuration = TestServer.configuration { $0.filesystemPrefix = folder + "/" }
        let screenshot = transport == .http ? ProcessInfo.processInfo.environment["IIP_VIEWER_SCREENSHOT"] : nil
        try await TestServer.with(transport, configuration) { port in
            let path = transport == .http ? "/" : "/viewer/"
            let result = try await ViewerBrowser.run(url: "http://127.0.0.1:\(port)\(path)", screenshot: screenshot)
            print("viewer over \(transport): \(result.checks) checks, \(result.failures) failures")
            let failures = result.output.split(separator: "\n").filter { !$0.hasPrefix("ok ") }.joined(separator: "\n")
            #expect(result.checks == Self.checks, "\(failures.suffix(3000))")
            #expect(result.failures == 0, "\(failures.suffix(3000))")
        }
    }
}
