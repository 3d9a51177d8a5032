import FastCGI
import Foundation
import IIPTestSupport
import Testing

/// The official IIIF validator, every test of every level, against the live server over HTTP and through nginx
/// (FastCGI): 42 tests for Image API 2.0 and 45 for 3.0, zero failures; and over HTTP on a JPEG 2000 copy.
@Suite("Official IIIF validator", .serialized, .enabled(if: IIIFValidator.enabled, "iiif-validator not installed"))
struct IIIFValidatorTests {
    @Test(arguments: [("2.0", 42), ("3.0", 45)], TestServer.Transport.allCases)
    func everyValidatorTestPasses(version: (name: String, tests: Int), transport: TestServer.Transport) async throws {
        try await IIIFValidator.prepareGrid()
        let configuration = TestServer.configuration {
            $0.cors = "*"
            $0.iiifVersion = version.name == "2.0" ? 2 : 3
        }
        try await TestServer.with(transport, configuration) { port in
            let result = try await IIIFValidator.run(port: port, prefix: "iiif", version: version.name)
            print(
                "IIIF validator \(version.name) over \(transport): \(result.tests) tests, \(result.failures) failures")
            #expect(result.tests == version.tests, "\(result.output.suffix(3000))")
            #expect(result.failures == 0, "\(result.output.suffix(3000))")
        }
    }

    // The same validator on the grid stored as JPEG 2000 (iipsrv-reference §7.3), over HTTP.
    @Test(arguments: [("2.0", 42), ("3.0", 45)])
    func everyValidatorTestPassesOnJPEG2000(version: (name: String, tests: Int)) async throws {
        try await IIIFValidator.prepareGrid(jpeg2000: true)
        let configuration = TestServer.configuration {
            $0.cors = "*"
            $0.iiifVersion = version.name == "2.0" ? 2 : 3
            $0.filesystemPrefix = IIIFValidator.jpeg2000Folder + "/"
        }
        try await TestServer.with(configuration) { server in
            let result = try await IIIFValidator.run(port: server.port, prefix: "iiif", version: version.name)
            print("IIIF validator \(version.name) on JPEG 2000: \(result.tests) tests, \(result.failures) failures")
            #expect(result.tests == version.tests, "\(result.output.suffix(3000))")
            #expect(result.failures == 0, "\(result.output.suffix(3000))")
        }
    }
}
