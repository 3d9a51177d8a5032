import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport

/// The newer IIIF Image API validator (PyPI `iiif-validator-ng` 0.1.0), installed by `.ci/install-deps` in its own
/// Python 3.12 environment and driven by `.ci/iiif-validator-ng/run.py`, which counts its results (the package's
/// command exits 0 whatever fails). It compares answers with its own validation image through libvips.
enum IIIFValidatorNG {
    /// The identifier the validator asks for (the same as the official validator's).
    static let identifier = IIIFValidator.identifier

    /// The environment's python, from `$IIIF_VALIDATOR_NG` or the project's private environment.
    static let python: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment["IIIF_VALIDATOR_NG"],
            TestEnvironment.packageRoot + "/.build/iiif-validator-ng/bin/python",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The driver script, in the repository.
    static var script: String { TestEnvironment.packageRoot + "/.ci/iiif-validator-ng/run.py" }

    /// Whether the suite runs: when installed, or when `.ci/test` demands it (then a missing one fails).
    static var enabled: Bool { python != nil || ProcessInfo.processInfo.environment["IIIF_VALIDATOR_NG"] != nil }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder holding the validation image (its own prefix: the official validator's grid has the same name).
    static var folder: String { Fixtures.path("validator-ng") }

    /// Writes the validator's own 1000x1000 validation image, read through its pyvips, as a Deflate pyramid TIFF at
    /// 300 pixels per inch, so that info.json carries the physical dimensions service.
    static func prepareImage() async throws {
        guard let python else { throw Failure(description: "iiif-validator-ng is not installed: run .ci/install-deps") }
        let work = try TestEnvironment.temporaryFolder("validator-ng-image")
        let raw = work + "/pixels.rgb"
        let program = try ExternalProcess(python, [script, "--pixels", raw], logDirectory: work)
        let status = await program.waitForExit(timeout: .seconds(120))
        guard status == 0, program.output.contains("1000x1000") else {
            throw Failure(description: "could not read the validation image: \(program.output)")
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: raw)))
        guard bytes.count == 1000 * 1000 * 3 else {
            throw Failure(description: "validation image: \(bytes.count) bytes")
        }
        let pixels = PixelBuffer(width: 1000, height: 1000, channels: 3, bytes: bytes)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        writer.resolution = PhysicalResolution(x: 300, y: 300, unit: .inch)
        let path = folder + "/" + identifier
        try writer.write(pixels, to: path + ".partial")
        _ = rename(path + ".partial", path)
    }

    /// The outcome of one run: the counts and the driver's whole output.
    struct Result {
        var tests: Int
        var failures: Int
        var output: String
    }

    /// Runs every applicable test against `http://127.0.0.1:port/prefix` for Image API `version` (2 or 3).
    static func run(port: Int, prefix: String, version: Int) async throws -> Result {
        guard let python else { throw Failure(description: "iiif-validator-ng is not installed: run .ci/install-deps") }
        let work = try TestEnvironment.temporaryFolder("validator-ng")
        var arguments = [script, "http://127.0.0.1:\(port)/\(prefix)", "--validation-id", identifier]
        if version == 2 { arguments.append("--v2") }
        let process = try ExternalProcess(python, arguments, logDirectory: work)
        _ = await process.waitForExit(timeout: .seconds(600))
        let output = process.output
        guard let done = output.firstMatch(of: /Done \((\d+) tests, (\d+) failures\)/),
            let tests = Int(done.1), let failures = Int(done.2)
        else { return Result(tests: 0, failures: -1, output: output) }
        return Result(tests: tests, failures: failures, output: output)
    }
}
