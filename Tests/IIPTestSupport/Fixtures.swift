import Foundation
public import IIPImaging
public import IIPModel

/// One generated test image: how it looks and how it is stored.
public struct FixtureSpec: Sendable, Hashable {
    /// File name (without directory).
    public var name: String
    /// Full-resolution width.
    public var width: Int
    /// Full-resolution height.
    public var height: Int
    /// Samples per pixel.
    public var channels: Int = 3
    /// Bits per sample of the pixels (8, 16 or 32; see ``Fixtures/picture(_:)``).
    public var bits: Int = 8
    /// How the samples are encoded: signed integers are the unsigned picture less half the range, floats the
    /// unsigned picture scaled into ``sampleRange`` (0...1 without one).
    public var sampleFormat: SampleFormat = .unsignedInteger
    /// 32-bit float pixels stored as 64-bit floats.
    public var float64 = false
    /// Bands in separate planes.
    public var planarSeparate = false
    /// Palette colour: the 1-channel 8-bit picture is the indices into ``Fixtures/colorMap``.
    public var palette = false
    /// With ``palette``: write the colours the indices stand for as 8-bit RGB instead, the twin a palette fixture
    /// is compared with (its reduced levels are averaged, the palette fixture's subsampled).
    public var expandPalette = false
    /// The fixture whose picture is drawn (the seed comes from its name), so that twins stored differently hold the
    /// same pixels; `nil` for this fixture's own.
    public var pictureName: String?
    /// SMinSampleValue and SMaxSampleValue tags.
    public var sampleRange: ClosedRange<Double>?
    /// Tile compression.
    public var compression: PyramidTIFFWriter.Compression = .jpeg(quality: 90)
    /// Tile size of every level.
    public var tileSize: Int = 256
    /// Tile size per level, full resolution first.
    public var levelTileSizes: [Int] = []
    /// IFD or SubIFD pyramid, or an untiled file.
    public var layout: PyramidTIFFWriter.Layout = .ifds
    /// BigTIFF.
    public var bigTIFF = false
    /// JPEG tiles stored as RGB rather than YCbCr.
    public var jpegAsRGB = false
    /// Grey stored as MinIsWhite.
    public var minIsWhite = false
    /// Text fields.
    public var metadata = ImageMetadata()
    /// Pixel density.
    public var resolution: PhysicalResolution?
    /// An ICC profile to embed.
    public var iccProfile: [UInt8]?
    /// CIELab samples (L from the pattern's first channel, a and b halved into the positive signed range) in a
    /// Photometric CIELab file.
    public var cieLab = false
    /// Cut the file to this fraction of its length after writing (a damaged file).
    public var truncateTo: Double?

    /// Creates a spec with the given name and size; adjust the rest with the properties.
    public init(_ name: String, width: Int, height: Int) {
        self.name = name
        self.width = width
        self.height = height
    }

    /// Returns a copy changed by `update`.
    public func with(_ update: (inout FixtureSpec) -> Void) -> FixtureSpec {
        var copy = self
        update(&copy)
        return copy
    }
}

/// Generates fixtures with libtiff and libjpeg-turbo into one folder per test process.
///
/// The folder is `$IIP_FIXTURES` when set (so that servers started by `.ci/test` can read the same files),
/// otherwise a new temporary folder. The seed is `$IIP_TEST_SEED` when set, otherwise random; it is printed so a
/// failure can be reproduced.
public enum Fixtures {
    /// The folder fixtures are written to.
    public static let directory: String = {
        if let folder = ProcessInfo.processInfo.environment["IIP_FIXTURES"], !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        }
        let folder = NSTemporaryDirectory() + "iipsrv-async-tests-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// The seed of this run's pictures.
    public static let seed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["IIP_TEST_SEED"], let value = UInt64(text) { return value }
        let value = UInt64.random(in: 1...UInt64(UInt32.max))
        print("fixtures: IIP_TEST_SEED=\(value) in \(directory)")
        return value
    }()

    /// The seed of one fixture's picture: the run's seed plus a stable per-name offset (FNV-1a of the name;
    /// `hashValue` is randomised per process, so it would make `IIP_TEST_SEED` unable to reproduce a run).
    public static func seed(for name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return seed &+ (hash & 0xFFFF)
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var written: Set<String> = []

    /// Writes the fixture once per process and returns its file name (relative to ``directory``).
    @discardableResult
    public static func make(_ spec: FixtureSpec) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let path = directory + "/" + spec.name
        if written.contains(spec.name) { return spec.name }
        var pixels = picture(spec)
        if spec.cieLab { pixels = cieLabPicture(pixels) }
        if spec.palette && spec.expandPalette { pixels = expandPalette(pixels, colorMap) }
        var writer = PyramidTIFFWriter()
        writer.float64 = spec.float64
        writer.planarSeparate = spec.planarSeparate
        writer.colorMap = spec.palette && !spec.expandPalette ? colorMap : nil
        writer.sampleRange = spec.sampleRange.map { ($0.lowerBound, $0.upperBound) }
        writer.cieLab = spec.cieLab
        writer.tileSize = spec.tileSize
        writer.levelTileSizes = spec.levelTileSizes
        writer.compression = spec.compression
        writer.layout = spec.layout
        writer.bigTIFF = spec.bigTIFF
        writer.jpegAsRGB = spec.jpegAsRGB
        writer.minIsWhite = spec.minIsWhite
        writer.metadata = spec.metadata
        writer.resolution = spec.resolution
        writer.iccProfile = spec.iccProfile
        let temporary = path + ".partial"
        try writer.write(pixels, to: temporary)
        if let fraction = spec.truncateTo {
            let data = try Data(contentsOf: URL(fileURLWithPath: temporary))
            try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: temporary))
        }
        _ = rename(temporary, path)
        written.insert(spec.name)
        return spec.name
    }

    /// The full-resolution pixels a fixture stores: the test pattern in 8 or 16 bits, or for 32 bits the 16-bit
    /// pattern times 65537; then as ``FixtureSpec/sampleFormat`` says: signed integers less half their range
    /// (so adding it back gives the unsigned picture), floats scaled into ``FixtureSpec/sampleRange`` or 0...1.
    public static func picture(_ spec: FixtureSpec) -> PixelBuffer {
        let rendered = TestPattern.render(
            width: spec.width, height: spec.height, channels: spec.channels, bits: spec.bits == 8 ? 8 : 16,
            seed: seed(for: spec.pictureName ?? spec.name))
        let values: [Int] =
            spec.bits == 8
            ? rendered.bytes.map(Int.init)
            : rendered.bytes.withUnsafeBytes {
                $0.bindMemory(to: UInt16.self).map { Int($0) * (spec.bits == 32 ? 65537 : 1) }
            }
        let half = 1 << (spec.bits - 1)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * spec.bits / 8)
        func append<T>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        for value in values {
            switch (spec.bits, spec.sampleFormat) {
            case (8, .signedInteger): append(Int8(value - half))
            case (8, _): append(UInt8(value))
            case (16, .signedInteger): append(Int16(value - half))
            case (16, _): append(UInt16(value))
            case (_, .floatingPoint):
                let range = spec.sampleRange ?? 0...1
                let unit = Double(value) / 4_294_967_295
                append(Float(range.lowerBound + unit * (range.upperBound - range.lowerBound)))
            case (_, .signedInteger): append(Int32(value - half))
            default: append(UInt32(value))
            }
        }
        return PixelBuffer(
            width: spec.width, height: spec.height, channels: spec.channels, bitsPerSample: spec.bits,
            sampleFormat: spec.sampleFormat, bytes: bytes)
    }

    /// The ColorMap of ``FixtureSpec/palette`` fixtures: 256 colours, none a grey, with neighbouring indices far
    /// apart in colour (so that reading indices as grey, or the wrong entry, shows).
    public static let colorMap: PyramidTIFFWriter.ColorMap = {
        var red: [UInt16] = []
        var green: [UInt16] = []
        var blue: [UInt16] = []
        for index in 0..<256 {
            red.append(UInt16((index * 37 + 11) % 256 * 257))
            green.append(UInt16((255 - index) * 257))
            // Off x * 257 by a few units: rounding to 8 bits gives x back, keeping the high byte would not.
            blue.append(UInt16((index * 91 + 100) % 256) * 257 ^ UInt16(index % 7))
        }
        return PyramidTIFFWriter.ColorMap(red: red, green: green, blue: blue)
    }()

    /// What a palette picture looks like: each index replaced by its ColorMap entry rounded to 8 bits.
    public static func expandPalette(_ indices: PixelBuffer, _ map: PyramidTIFFWriter.ColorMap) -> PixelBuffer {
        let values: [Int] =
            indices.bitsPerSample == 16
            ? indices.bytes.withUnsafeBytes { $0.bindMemory(to: UInt16.self).map(Int.init) }
            : indices.bytes.map(Int.init)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 3)
        func eight(_ value: UInt16) -> UInt8 { UInt8((Double(value) / 257).rounded()) }
        for index in values {
            bytes += [eight(map.red[index]), eight(map.green[index]), eight(map.blue[index])]
        }
        return PixelBuffer(width: indices.width, height: indices.height, channels: 3, bytes: bytes)
    }

    /// The samples a ``FixtureSpec/cieLab`` fixture stores: L as drawn, a and b in 0...127 (positive as signed
    /// bytes, so the writer's averaging of reduced levels stays right).
    public static func cieLabPicture(_ pixels: PixelBuffer) -> PixelBuffer {
        var lab = pixels
        for index in stride(from: 0, to: lab.bytes.count, by: lab.channels) {
            lab.bytes[index + 1] /= 2
            lab.bytes[index + 2] /= 2
        }
        return lab
    }

    /// The full path of a fixture file name.
    public static func path(_ name: String) -> String { directory + "/" + name }

    /// Writes a file that is not an image.
    @discardableResult
    public static func makeText(_ name: String, contents: String) throws -> String {
        try contents.write(toFile: path(name), atomically: true, encoding: .utf8)
        return name
    }
}
