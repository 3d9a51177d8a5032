import FastCGI
import Foundation
import IIPTestSupport
import Testing

/// `iiif-validator-ng`, every applicable test of both Image API versions, over HTTP and through nginx, on its own
/// validation image stored with a physical resolution (so the 3.0 physical dimensions service is checked too).
///
/// JPEG_QUALITY is 90, as Debian's iipsrv package sets it: the validator compares a random rotated window of each
/// answer with libvips' own rotation and allows a mean difference below 6, which the default quality 75 (4:2:0)
/// exceeds on about one window in a hundred where saturated squares meet.
@Suite("iiif-validator-ng", .serialized, .enabled(if: IIIFValidatorNG.enabled, "iiif-validator-ng not installed"))
struct IIIFValidatorNGTests {
    // The counts are every result of every test the info.json makes applicable (some tests check several things).
    @Test(arguments: [(2, 110), (3, 131)], TestServer.Transport.allCases)
    func everyTestPasses(version: (number: Int, results: Int), transport: TestServer.Transport) async throws {
        try await IIIFValidatorNG.prepareImage()
        let configuration = TestServer.configuration {
            $0.cors = "*"
            $0.iiifVersion = version.number
            $0.jpegQuality = 90
            $0.filesystemPrefix = IIIFValidatorNG.folder + "/"
        }
        try await TestServer.with(transport, configuration) { port in
            let result = try await IIIFValidatorNG.run(port: port, prefix: "iiif", version: version.number)
            print(
                "iiif-validator-ng \(version.number).x over \(transport): \(result.tests) results, "
                    + "\(result.failures) failures")
            let failures = result.output.split(separator: "\n").filter { !$0.hasPrefix("ok ") }.joined(separator: "\n")
            #expect(result.tests == version.results, "\(failures.suffix(3000))")
            #expect(result.failures == 0, "\(failures.suffix(3000))")
        }
    }
}
