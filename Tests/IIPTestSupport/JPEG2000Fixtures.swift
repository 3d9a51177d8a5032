import Foundation
public import IIPImaging

/// JPEG 2000 test images written by the real encoders: Debian's `opj_compress` (libopenjp2-tools) for JP2 and
/// raw codestreams, `ojph_compress` (openjph-tools) for HTJ2K. The picture is a ``TestPattern`` written as a
/// binary PGM/PPM first (16-bit samples when `precision` > 8, with maxval `2^precision - 1`, which sets the
/// codestream's precision).
public enum JPEG2000Fixtures {
    /// How a fixture is encoded.
    public struct Spec: Sendable, Hashable {
        /// File name; the extension chooses JP2 (`.jp2`) or a raw codestream (`.j2k`, `.j2c`).
        public var name: String
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// 1 (grey) or 3 (RGB).
        public var channels = 3
        /// Sample precision, 1-16.
        public var precision = 8
        /// DWT resolutions (opj_compress `-n`).
        public var resolutions = 6
        /// Codestream tile size, or `nil` for one tile.
        public var tileSize: Int? = nil
        /// Compression ratios, one per quality layer (`-r`); empty for lossless.
        public var rates: [Int] = []
        /// Progression order (`-p`).
        public var order = "LRCP"
        /// Precinct sizes (`-c`), e.g. `[256, 128]`.
        public var precincts: [Int] = []
        /// Encode with OpenJPH as HTJ2K (reversible) instead of OpenJPEG.
        public var highThroughput = false

        /// A spec with defaults: 8-bit RGB, 6 resolutions, one tile, lossless.
        public init(_ name: String, width: Int, height: Int) {
            self.name = name
            self.width = width
            self.height = height
        }

        /// Returns a copy changed by `update`.
        public func with(_ update: (inout Spec) -> Void) -> Spec {
            var copy = self
            update(&copy)
            return copy
        }
    }

    /// Why a fixture could not be written.
    public struct ToolError: Error, CustomStringConvertible {
        /// What failed, with the tool's output.
        public var description: String
    }

    /// The picture a spec encodes (samples as written to the PNM: 8-bit, or 16-bit holding `precision` bits).
    public static func picture(_ spec: Spec) -> PixelBuffer {
        let bits = spec.precision > 8 ? 16 : 8
        var pixels = TestPattern.render(
            width: spec.width, height: spec.height, channels: spec.channels, bits: bits,
            seed: Fixtures.seed(for: spec.name))
        let shift = bits - spec.precision
        guard shift > 0 else { return pixels }
        if bits == 8 {
            pixels.bytes = pixels.bytes.map { $0 >> UInt8(shift) }
        } else {
            var samples = pixels.bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
            samples = samples.map { $0 >> UInt16(shift) }
            pixels.bytes = samples.withUnsafeBytes { Array($0) }
        }
        return pixels
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var written: Set<String> = []

    /// Writes the fixture once per process (in ``Fixtures/directory``) and returns its file name.
    @discardableResult
    public static func make(_ spec: Spec) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if written.contains(spec.name) { return spec.name }
        let path = Fixtures.path(spec.name)
        let pixels = picture(spec)
        let pnm = path + (spec.channels == 1 ? ".pgm" : ".ppm")
        try writePNM(pixels, maxValue: (1 << spec.precision) - 1, to: pnm)
        defer { try? FileManager.default.removeItem(atPath: pnm) }
        let partial = path + ".partial." + (spec.name as NSString).pathExtension
        if spec.highThroughput {
            try run(
                "/usr/bin/ojph_compress",
                ["-i", pnm, "-o", partial, "-num_decomps", "\(spec.resolutions - 1)", "-reversible", "true"])
        } else {
            var arguments = ["-i", pnm, "-o", partial, "-n", "\(spec.resolutions)", "-p", spec.order]
            if let tile = spec.tileSize { arguments += ["-t", "\(tile),\(tile)"] }
            if !spec.rates.isEmpty { arguments += ["-r", spec.rates.map(String.init).joined(separator: ",")] }
            if !spec.precincts.isEmpty {
                arguments += ["-c", spec.precincts.map { "[\($0),\($0)]" }.joined(separator: ",")]
            }
            try run("/usr/bin/opj_compress", arguments)
        }
        guard rename(partial, path) == 0 else { throw ToolError(description: "cannot rename \(partial)") }
        written.insert(spec.name)
        return spec.name
    }

    /// Binary PGM (1 channel) or PPM (3 channels); 16-bit samples big-endian.
    static func writePNM(_ pixels: PixelBuffer, maxValue: Int, to path: String) throws {
        var data = Data("\(pixels.channels == 1 ? "P5" : "P6")\n\(pixels.width) \(pixels.height)\n\(maxValue)\n".utf8)
        if pixels.bitsPerSample == 16 {
            let samples = pixels.bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
            var bytes = [UInt8]()
            bytes.reserveCapacity(samples.count * 2)
            for sample in samples { bytes += [UInt8(sample >> 8), UInt8(sample & 0xFF)] }
            data.append(contentsOf: bytes)
        } else {
            data.append(contentsOf: pixels.bytes)
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Runs an encoder or decoder of the fixtures (`/usr/bin/opj_decompress` ...) and throws, with its output, when
    /// it is missing or fails.
    public static func run(_ tool: String, _ arguments: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: tool) else {
            throw ToolError(description: "\(tool) is missing (apt-get install libopenjp2-tools openjph-tools)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(description: "\(tool) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }
}
