import CTIFF
import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// The sample layouts of iipsrv-reference §6.1 and §7.1 beyond 8 and 16-bit contiguous data, written by libtiff
/// through ``PyramidTIFFWriter`` and read back value for value: 32-bit integers, 32 and 64-bit floats, signed
/// samples, many bands, separate planes and palette colour.
@Suite struct PyramidTIFFSampleLayoutTests {
    /// Every tile of every level of `path` equals the written picture's level (halved as the writer halves it,
    /// or subsampled for palette indices), after `transform`.
    static func expectTilesEqual(
        _ path: String, picture: PixelBuffer, nearest: Bool = false, limits: ImageLimits = .default,
        _ transform: (PixelBuffer) -> PixelBuffer = { $0 }, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let tiff = try PyramidTIFF(path: path, limits: limits)
        var level = picture
        var compared = 0
        for resolution in stride(from: tiff.description.levels.count - 1, through: 0, by: -1) {
            let pyramid = tiff.description.levels[resolution]
            #expect(pyramid.width == level.width && pyramid.height == level.height, sourceLocation: sourceLocation)
            for tile in 0..<pyramid.tileCount {
                let rect = try #require(pyramid.tileRect(tile))
                let decoded = try tiff.readTile(resolution: resolution, tile: tile)
                let expected = transform(level.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height))
                let equal = decoded == expected
                #expect(
                    equal, "\(path): level \(resolution) tile \(tile) \(decoded.channels)x\(decoded.bitsPerSample)",
                    sourceLocation: sourceLocation)
                compared += 1
            }
            level = PyramidTIFFWriter.halve(level, nearest: nearest)
        }
        #expect(compared >= 6, sourceLocation: sourceLocation)
    }

    static func writer(_ spec: FixtureSpec) -> PyramidTIFFWriter {
        var writer = PyramidTIFFWriter()
        writer.tileSize = 128
        writer.compression = spec.compression
        writer.float64 = spec.float64
        writer.planarSeparate = spec.planarSeparate
        writer.sampleRange = spec.sampleRange.map { ($0.lowerBound, $0.upperBound) }
        return writer
    }

    static func spec(
        _ name: String, bits: Int, format: SampleFormat = .unsignedInteger, channels: Int = 1,
        separate: Bool = false, float64: Bool = false, range: ClosedRange<Double>? = nil,
        compression: PyramidTIFFWriter.Compression = .deflate
    ) -> FixtureSpec {
        FixtureSpec("layout-\(name).tif", width: 300, height: 200).with {
            $0.bits = bits
            $0.sampleFormat = format
            $0.channels = channels
            $0.planarSeparate = separate
            $0.float64 = float64
            $0.sampleRange = range
            $0.compression = compression
        }
    }

    static let layouts: [FixtureSpec] = [
        spec("u32", bits: 32),
        spec("s32", bits: 32, format: .signedInteger, compression: .lzw),
        spec("u32-rgb-separate", bits: 32, channels: 3, separate: true),
        spec("s8-rgb", bits: 8, format: .signedInteger, channels: 3),
        spec("s16-5", bits: 16, format: .signedInteger, channels: 5, compression: .none),
        spec("f32", bits: 32, format: .floatingPoint, range: -2...5),
        spec("f64", bits: 32, format: .floatingPoint, float64: true, range: -2...5),
        spec("f64-rgb-separate", bits: 32, format: .floatingPoint, channels: 3, separate: true, float64: true),
        spec("f64-none", bits: 32, format: .floatingPoint, float64: true, compression: .none),
        spec("f32-7-separate", bits: 32, format: .floatingPoint, channels: 7, separate: true),
        spec("u8-rgb-separate", bits: 8, channels: 3, separate: true),
        spec("u8-5", bits: 8, channels: 5),
        spec("u8-5-separate", bits: 8, channels: 5, separate: true, compression: .lzw),
        spec("u16-4-separate", bits: 16, channels: 4, separate: true),
        spec("u16-8", bits: 16, channels: 8, compression: .zstd),
        spec("u16-16-separate", bits: 16, channels: 16, separate: true),
        spec("u8-16", bits: 8, channels: 16, compression: .none),
    ]

    @Test(arguments: layouts)
    func layoutReadsBackExactly(spec: FixtureSpec) throws {
        let picture = Fixtures.picture(spec)
        let path = Fixtures.path(spec.name)
        try Self.writer(spec).write(picture, to: path)
        let tiff = try PyramidTIFF(path: path)
        let description = tiff.description
        #expect(description.channels == spec.channels)
        #expect(description.bitsPerSample == (spec.float64 ? 64 : spec.bits))
        #expect(description.sampleFormat == spec.sampleFormat)
        #expect(description.colorSpace == (spec.channels == 3 || spec.channels == 4 ? .sRGB : .greyscale))
        let maximum: Double =
            spec.sampleRange?.upperBound
            ?? ImageDescription.defaultMaximum(bits: description.bitsPerSample, format: spec.sampleFormat)
        #expect(description.maxValues == Array(repeating: maximum, count: spec.channels))
        #expect(description.minValues == Array(repeating: spec.sampleRange?.lowerBound ?? 0, count: spec.channels))
        // 64-bit floats were widened from these 32-bit ones, so narrowing gives them back exactly.
        try Self.expectTilesEqual(path, picture: picture)
    }

    /// 2-14-bit samples in separate planes: each plane unpacked, widened by bit replication, then interleaved.
    @Test(arguments: [1, 4, 12], [3, 5])
    func packedSeparatePlanes(bits: Int, channels: Int) throws {
        let stored = bits > 8 ? 16 : 8
        var picture = TestPattern.render(width: 300, height: 200, channels: channels, bits: stored, seed: 5)
        if stored == 8 {
            picture.bytes = picture.bytes.map { $0 >> UInt8(8 - bits) }
        } else {
            let samples = picture.bytes.withUnsafeBytes {
                $0.bindMemory(to: UInt16.self).map { $0 >> UInt16(16 - bits) }
            }
            picture.bytes = samples.withUnsafeBytes { Array($0) }
        }
        var writer = PyramidTIFFWriter()
        writer.tileSize = 128
        writer.packedBits = bits
        writer.planarSeparate = true
        let path = Fixtures.path("layout-packed-\(bits)-\(channels)-separate.tif")
        try writer.write(picture, to: path)
        try Self.expectTilesEqual(path, picture: picture) { level in
            var widened = level
            if stored == 8 {
                widened.bytes = level.bytes.map {
                    UInt8(bits == 1 ? ($0 == 0 ? 0 : 255) : PyramidTIFF.widen(Int($0), bits: bits))
                }
            } else {
                let samples = level.bytes.withUnsafeBytes {
                    $0.bindMemory(to: UInt16.self).map { UInt16(PyramidTIFF.widen(Int($0), bits: bits)) }
                }
                widened.bytes = samples.withUnsafeBytes { Array($0) }
            }
            return widened
        }
    }

    // MARK: - 64-bit floats

    /// Doubles that a `Float` cannot hold exactly, or at all, narrowed as documented.
    @Test func doublesAreNarrowedToFloats() throws {
        let values: [Double] = [
            0.1, -1.0 / 3, 1e300, -1e300, 1e-50, .infinity, -.infinity, .nan, 123_456_789.123, 0, -0.0, 3.4e38,
            Double(Float.leastNonzeroMagnitude) / 4, Double(Float.greatestFiniteMagnitude) * 1.5, 65535.5, 2.5e-40,
        ]
        var samples = [Double](repeating: 0, count: 256)
        for (index, value) in values.enumerated() { samples[index * 16 + index] = value }
        var directory = HandmadeTIFF.tiled(
            width: 16, height: 16, tileWidth: 16, tileHeight: 16, bitsPerSample: 64, sampleFormat: 3)
        directory.tileData = samples.withUnsafeBytes { Array($0) }
        let path = try HandmadeTIFF(directories: [directory]).write("layout-f64-narrowing.tif", in: Fixtures.directory)
        let tiff = try PyramidTIFF(path: path)
        #expect(tiff.description.bitsPerSample == 64 && tiff.description.sampleFormat == .floatingPoint)
        let tile = try tiff.readTile(resolution: 0, tile: 0)
        #expect(tile.bitsPerSample == 32 && tile.sampleFormat == .floatingPoint && tile.channels == 1)
        let floats = tile.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let expected: [Float] = [
            Float(0.1), Float(-1.0 / 3), .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0, .infinity,
            -.infinity, .nan, Float(123_456_789.123), 0, -0.0, Float(3.4e38), 0, .greatestFiniteMagnitude, 65535.5,
            Float(2.5e-40),
        ]
        for (index, want) in expected.enumerated() {
            let got = floats[index * 16 + index]
            let same = want.isNaN ? got.isNaN : got.bitPattern == want.bitPattern
            #expect(same, "\(values[index]) read as \(got), expected \(want)")
        }
        #expect(floats.enumerated().allSatisfy { $0.offset % 17 == 0 || $0.element == 0 })
    }

    /// The stored tile (twice the decoded size for 64-bit floats) is bounded by the limits, not just the decoded one.
    @Test func storedTileSizeIsBounded() throws {
        let spec = Self.spec("f64-bounded", bits: 32, format: .floatingPoint, float64: true)
        let path = Fixtures.path(spec.name)
        try Self.writer(spec).write(Fixtures.picture(spec), to: path)
        // A 128 x 128 tile: 64 KiB decoded, 128 KiB stored.
        let limits = ImageLimits(maxTileBytes: 100 << 10)
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: path, limits: limits) }
        let narrow = Self.spec("f32-bounded", bits: 32, format: .floatingPoint)
        let narrowPath = Fixtures.path(narrow.name)
        try Self.writer(narrow).write(Fixtures.picture(narrow), to: narrowPath)
        try Self.expectTilesEqual(narrowPath, picture: Fixtures.picture(narrow), limits: limits)
        do {
            _ = try PyramidTIFF(path: path, limits: limits)
        } catch {
            guard case .unsupportedLayout(let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.contains("64-bit"), "\(reason)")
        }
    }

    // MARK: - Palette colour

    /// A ColorMap of 2^bits seeded colours spanning the 16-bit range.
    static func colorMap(bits: Int, seed: UInt64) -> PyramidTIFFWriter.ColorMap {
        var random = TestPattern.Generator(seed: seed)
        let count = 1 << bits
        func entries() -> [UInt16] { (0..<count).map { _ in UInt16(truncatingIfNeeded: random.next()) } }
        return PyramidTIFFWriter.ColorMap(red: entries(), green: entries(), blue: entries())
    }

    @Test(arguments: [1, 2, 4, 8, 16])
    func paletteIndicesBecomeColours(bits: Int) throws {
        let map = Self.colorMap(bits: bits, seed: Fixtures.seed(for: "palette-\(bits)"))
        var indices = TestPattern.render(
            width: 300, height: 200, channels: 1, bits: bits == 16 ? 16 : 8, seed: Fixtures.seed(for: "palette"))
        if bits < 8 { indices.bytes = indices.bytes.map { $0 >> UInt8(8 - bits) } }
        var writer = PyramidTIFFWriter()
        writer.tileSize = 128
        writer.colorMap = map
        writer.packedBits = bits < 8 ? bits : nil
        writer.compression = bits == 16 ? .lzw : .deflate
        let path = Fixtures.path("layout-palette-\(bits).tif")
        try writer.write(indices, to: path)

        let tiff = try PyramidTIFF(path: path)
        let description = tiff.description
        #expect(description.channels == 3 && description.bitsPerSample == 8)
        #expect(description.colorSpace == .sRGB && description.sampleFormat == .unsignedInteger)
        #expect(description.minValues == [0, 0, 0] && description.maxValues == [255, 255, 255])
        try Self.expectTilesEqual(path, picture: indices, nearest: true) { Fixtures.expandPalette($0, map) }
    }

    /// Entries all below 256 were written as 8-bit values: they are taken as they are.
    @Test func eightBitColorMapIsTakenAsIs() throws {
        let values = (0..<256).map { UInt16($0) }
        let map = PyramidTIFFWriter.ColorMap(red: values, green: values.reversed(), blue: values.map { $0 / 2 })
        let indices = TestPattern.render(width: 200, height: 150, channels: 1, seed: 3)
        var writer = PyramidTIFFWriter()
        writer.tileSize = 64
        writer.colorMap = map
        let path = Fixtures.path("layout-palette-8bit-map.tif")
        try writer.write(indices, to: path)
        try Self.expectTilesEqual(path, picture: indices, nearest: true) { level in
            PixelBuffer(
                width: level.width, height: level.height, channels: 3,
                bytes: level.bytes.flatMap { [$0, 255 - $0, $0 / 2] })
        }
    }

    /// A short ColorMap is padded with black by the writer; indices beyond it read black.
    @Test func shortColorMapIsPaddedWithBlack() throws {
        let map = PyramidTIFFWriter.ColorMap(red: [65535, 0], green: [0, 65535], blue: [0, 0])
        var indices = PixelBuffer(width: 40, height: 20, channels: 1)
        for index in indices.bytes.indices { indices.bytes[index] = UInt8(index % 3) }
        var writer = PyramidTIFFWriter()
        writer.tileSize = 16
        writer.colorMap = map
        writer.packedBits = 2
        let path = Fixtures.path("layout-palette-padded.tif")
        try writer.write(indices, to: path)
        let tile = try PyramidTIFF(path: path).readTile(resolution: 2, tile: 0)
        #expect(Array(tile.bytes.prefix(9)) == [255, 0, 0, 0, 255, 0, 0, 0, 0])
    }

    /// Palette files libtiff reads without a usable ColorMap (it makes 8-bit ones grey or RGB, and refuses
    /// 1-4-bit ones) are refused with an error naming the ColorMap.
    @Test func paletteWithoutColorMapIsRefused() throws {
        func palette(
            bits: UInt16 = 8, samples: UInt16 = 1, colorMap: Int?, format: UInt16? = nil
        ) -> HandmadeTIFF.Directory {
            var directory = HandmadeTIFF.tiled(
                width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: bits, samplesPerPixel: samples,
                photometric: 3, sampleFormat: format)
            if let colorMap {
                directory.entries.append((320, .short((0..<colorMap).map { UInt16($0 * 97 % 65536) })))
            }
            return directory
        }
        func write(_ name: String, _ directory: HandmadeTIFF.Directory) throws -> String {
            try HandmadeTIFF(directories: [directory]).write("layout-palette-\(name).tif", in: Fixtures.directory)
        }
        // The same handmade file with a ColorMap of the right length opens and reads: the others differ only there.
        let good = try PyramidTIFF(path: try write("good", palette(colorMap: 768)))
        #expect(good.description.channels == 3)
        #expect(try good.readTile(resolution: 0, tile: 0).channels == 3)

        for (name, directory) in [
            ("missing", palette(colorMap: nil)), ("short", palette(colorMap: 3 * 16)),
            ("long", palette(colorMap: 3 * 512)), ("missing-rgb", palette(samples: 3, colorMap: nil)),
            ("missing-16", palette(bits: 16, colorMap: nil)),
        ] {
            let path = try write(name, directory)
            #expect(throws: ImagingError.self) { try PyramidTIFF(path: path) }
            do {
                _ = try PyramidTIFF(path: path)
            } catch {
                guard case .unsupportedLayout(let reason) = error else {
                    Issue.record("\(name): \(error)")
                    continue
                }
                #expect(reason.contains("ColorMap"), "\(name): \(reason)")
            }
        }
        // libtiff itself refuses 1-4-bit palette directories without a ColorMap.
        let fourBit = try write("missing-4", palette(bits: 4, colorMap: nil))
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: fourBit) }
        // Palette layouts this reader does not handle.
        for (name, directory) in [
            ("signed", palette(colorMap: 768, format: 2)), ("two-samples", palette(samples: 2, colorMap: 768)),
            ("6-bit", palette(bits: 6, colorMap: 3 * 64)),
        ] {
            let path = try write(name, directory)
            #expect(throws: ImagingError.self, "\(name)") { try PyramidTIFF(path: path) }
        }
    }

    /// The Photometric tag as stored, read from the file in either byte order, classic or BigTIFF.
    @Test(arguments: [false, true], [false, true])
    func storedPhotometricInEveryByteOrder(bigEndian: Bool, bigTIFF: Bool) throws {
        var writer = PyramidTIFFWriter()
        writer.tileSize = 64
        writer.bigEndian = bigEndian
        writer.bigTIFF = bigTIFF
        writer.colorMap = Fixtures.colorMap
        let indices = TestPattern.render(width: 150, height: 100, channels: 1, seed: 9)
        let path = Fixtures.path("layout-palette-\(bigEndian ? "mm" : "ii")-\(bigTIFF ? "big" : "classic").tif")
        try writer.write(indices, to: path)
        let file = try TIFFFile(path: path)
        #expect(file.storedU16(TIFFTAG_PHOTOMETRIC) == UInt16(PHOTOMETRIC_PALETTE))
        #expect(file.storedU16(TIFFTAG_BITSPERSAMPLE) == 8)
        #expect(file.storedU16(TIFFTAG_PLANARCONFIG) == 1)
        #expect(file.storedU16(TIFFTAG_COPYRIGHT) == nil)
        #expect(file.readNextDirectory())
        #expect(file.storedU16(TIFFTAG_PHOTOMETRIC) == UInt16(PHOTOMETRIC_PALETTE))
        // SubfileType is a LONG: one LONG is read too.
        #expect(file.storedU16(TIFFTAG_SUBFILETYPE) == UInt16(FILETYPE_REDUCEDIMAGE))
        try Self.expectTilesEqual(path, picture: indices, nearest: true) {
            Fixtures.expandPalette($0, Fixtures.colorMap)
        }
    }

    /// The writer refuses options that do not go together.
    @Test func writerRefusesMismatchedOptions() {
        let grey = PixelBuffer(width: 32, height: 32, channels: 1)
        let rgb = PixelBuffer(width: 32, height: 32, channels: 3)
        let float = PixelBuffer(width: 32, height: 32, channels: 1, bitsPerSample: 32, sampleFormat: .floatingPoint)
        let cases: [(PixelBuffer, (inout PyramidTIFFWriter) -> Void)] = [
            (grey, { $0.float64 = true }),
            (float, { $0.compression = .jpeg(quality: 90) }),
            (rgb, { $0.colorMap = Fixtures.colorMap }),
            (grey, { $0.colorMap = Self.colorMap(bits: 9, seed: 1) }),
            (
                grey,
                {
                    $0.planarSeparate = true
                    $0.compression = .jpeg(quality: 80)
                }
            ),
            (grey, { $0.packedBits = 12 }),
        ]
        for (index, (pixels, configure)) in cases.enumerated() {
            var writer = PyramidTIFFWriter()
            configure(&writer)
            #expect(throws: ImagingError.self, "case \(index)") {
                try writer.write(pixels, to: Fixtures.path("layout-refused-\(index).tif"))
            }
        }
    }
}
