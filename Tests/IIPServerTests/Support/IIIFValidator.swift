import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport

/// The official IIIF Image API validator (PyPI `iiif-validator` 1.0.5), installed by `.ci/install-deps`, and the
/// grid image it expects, generated here with the colours the validator itself checks.
enum IIIFValidator {
    /// The identifier the validator asks for.
    static let identifier = "67352ccc-d1b0-11e1-89ae-279075081939"

    /// `iiif-validate.py`, from `$IIIF_VALIDATOR` or the project's private virtual environment.
    static let script: String? = {
        let candidates = [
            ProcessInfo.processInfo.environment["IIIF_VALIDATOR"],
            TestEnvironment.packageRoot + "/.build/iiif-validator/bin/iiif-validate.py",
        ]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Whether the validator suite runs: when installed, or when `.ci/test` demands it (then a missing one fails).
    static var enabled: Bool { script != nil || ProcessInfo.processInfo.environment["IIIF_VALIDATOR"] != nil }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "iiif-validator is not installed: run .ci/install-deps (or .ci/test)" }
    }

    /// The validator's python, next to its script.
    static func python() throws -> String {
        guard let script else { throw Missing() }
        return URL(fileURLWithPath: script).deletingLastPathComponent().appendingPathComponent("python").path
    }

    /// The 10x10 colours, `colours[column][row]`, read from the installed validator (`ValidationInfo.colorInfo`).
    static func colours() async throws -> [[[Int]]] {
        let folder = try TestEnvironment.temporaryFolder("validator-colours")
        let program = try ExternalProcess(
            try python(),
            [
                "-c",
                "import json; from iiif_validator.validator import ValidationInfo; "
                    + "print(json.dumps(ValidationInfo().colorInfo))",
            ], logDirectory: folder)
        let finished = await program.waitForExit(timeout: .seconds(60))
        guard finished == 0, let data = program.output.split(separator: "\n").last?.data(using: .utf8),
            let colours = try JSONSerialization.jsonObject(with: data) as? [[[Int]]], colours.count == 10
        else { throw Missing() }
        return colours
    }

    /// The folder of the JPEG 2000 copy of the grid (same identifier, so the server gets its own prefix).
    static var jpeg2000Folder: String { Fixtures.path("validator-jp2") }

    /// Writes the 1000x1000 grid of 100-pixel squares named after the validator's identifier: a pyramid TIFF at 300
    /// pixels per inch in the fixtures folder, or with `jpeg2000` a lossless JP2 (OpenJPEG) in ``jpeg2000Folder``.
    static func prepareGrid(jpeg2000: Bool = false) async throws {
        let colours = try await colours()
        var pixels = PixelBuffer(width: 1000, height: 1000, channels: 3)
        for y in 0..<1000 {
            for x in 0..<1000 {
                let colour = colours[x / 100][y / 100]
                let offset = (y * 1000 + x) * 3
                pixels.bytes[offset] = UInt8(colour[0])
                pixels.bytes[offset + 1] = UInt8(colour[1])
                pixels.bytes[offset + 2] = UInt8(colour[2])
            }
        }
        if jpeg2000 {
            try FileManager.default.createDirectory(atPath: jpeg2000Folder, withIntermediateDirectories: true)
            let path = jpeg2000Folder + "/" + identifier
            let bytes = try JPEG2000Encoder().encode(pixels, metadata: EncodingMetadata())
            try Data(bytes).write(to: URL(fileURLWithPath: path + ".partial"))
            _ = rename(path + ".partial", path)
            return
        }
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        // A capture resolution, so that info.json carries the physical dimensions service the validator checks.
        writer.resolution = PhysicalResolution(x: 300, y: 300, unit: .inch)
        let path = Fixtures.path(identifier)
        try writer.write(pixels, to: path + ".partial")
        _ = rename(path + ".partial", path)
    }

    /// Runs the validator at every level against `host:port` with prefix `prefix`; returns (tests, failures).
    static func run(port: Int, prefix: String, version: String) async throws -> (
        tests: Int, failures: Int, output: String
    ) {
        guard let script else { throw Missing() }
        let folder = try TestEnvironment.temporaryFolder("validator")
        let process = try ExternalProcess(
            try python(),
            [script, "-s", "127.0.0.1:\(port)", "-p", prefix, "-i", identifier, "--version", version, "--level", "3"],
            logDirectory: folder)
        _ = await process.waitForExit(timeout: .seconds(600))
        let output = process.output
        guard let done = output.firstMatch(of: /Done \((\d+) tests, (\d+) failures\)/),
            let tests = Int(done.1), let failures = Int(done.2)
        else { return (0, -1, output) }
        return (tests, failures, output)
    }
}
