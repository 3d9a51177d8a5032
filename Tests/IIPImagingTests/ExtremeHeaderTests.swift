import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// Pyramid TIFFs whose headers claim extreme values, written byte by byte (libtiff refuses to write most of them):
/// opening must succeed with sane values or throw an ``ImagingError``, never trap, and nothing may allocate from
/// a header value before it is checked. Every file is a few kilobytes.
@Suite struct ExtremeHeaderTests {
    /// The LONG header fields that size a level.
    enum SizeField: String, CaseIterable, Sendable {
        case width, height, tileWidth, tileHeight
    }

    /// Extremes of a 32-bit field: 0, 1, 2^31 - 1, 2^32 - 1.
    static let longExtremes: [UInt32] = [0, 1, 2_147_483_647, 4_294_967_295]
    /// Extremes of a 16-bit field.
    static let shortExtremes: [UInt16] = [0, 1, 65535]

    private static func write(_ name: String, _ directories: [HandmadeTIFF.Directory]) throws -> String {
        try HandmadeTIFF(directories: directories).write("img-extreme-\(name).tif", in: Fixtures.directory)
    }

    private static func write(_ name: String, _ directory: HandmadeTIFF.Directory) throws -> String {
        try write(name, [directory])
    }

    /// Opens `path`, returning the error rather than throwing it.
    private static func open(_ path: String, limits: ImageLimits = .default) -> Result<PyramidTIFF, ImagingError> {
        do { return .success(try PyramidTIFF(path: path, limits: limits)) } catch { return .failure(error) }
    }

    /// Reads every tile of every level; each must decode to its rectangle's size.
    private static func expectEveryTileDecodes(_ tiff: PyramidTIFF) {
        for (resolution, level) in tiff.description.levels.enumerated() {
            for tile in 0..<level.tileCount {
                guard let rect = level.tileRect(tile) else { continue }
                do {
                    let pixels = try tiff.readTile(resolution: resolution, tile: tile)
                    #expect(pixels.width == rect.width && pixels.height == rect.height && pixels.isConsistent)
                } catch {
                    Issue.record("tile \(tile) of level \(resolution): \(error)")
                }
            }
        }
    }

    /// A 64 x 64 image in 16 x 16 tiles with one of the four sizes replaced by `value`.
    @Test(arguments: SizeField.allCases, longExtremes)
    func extremeSizes(field: SizeField, value: UInt32) throws {
        var sizes: [SizeField: UInt32] = [.width: 64, .height: 64, .tileWidth: 16, .tileHeight: 16]
        sizes[field] = value
        let path = try Self.write(
            "\(field.rawValue)-\(value)",
            HandmadeTIFF.tiled(
                width: sizes[.width]!, height: sizes[.height]!, tileWidth: sizes[.tileWidth]!,
                tileHeight: sizes[.tileHeight]!))
        switch (value, Self.open(path)) {
        case (1, .success(let tiff)):
            let level = tiff.description.fullLevel
            let opened: [SizeField: Int] = [
                .width: level.width, .height: level.height, .tileWidth: level.tileWidth, .tileHeight: level.tileHeight,
            ]
            #expect(opened[field] == 1)
            #expect(tiff.description.resolutionCount == 1)
            let pixels = try tiff.readTile(resolution: 0, tile: 0)
            #expect(pixels.width == min(level.tileWidth, level.width))
            #expect(pixels.height == min(level.tileHeight, level.height))
            let last = try tiff.readTile(resolution: 0, tile: level.tileCount - 1)
            #expect(last.isConsistent)
        case (1, .failure(let error)):
            Issue.record("a 1-pixel \(field) was refused: \(error)")
        case (2_147_483_647, .failure(let error)):
            // libtiff accepts these; the limits refuse them.
            guard case .unsupportedLayout = error else {
                Issue.record("expected unsupportedLayout, got \(error)")
                return
            }
        case (_, .failure):
            break  // 0 and 2^32 - 1: libtiff or the limits refuse them
        case (_, .success(let tiff)):
            Issue.record("\(field) = \(value) opened as \(tiff.description.levels)")
        }
    }

    @Test(arguments: shortExtremes)
    func extremeBitsPerSample(bits: UInt16) throws {
        let path = try Self.write(
            "bits-\(bits)",
            HandmadeTIFF.tiled(width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: bits))
        let result = Self.open(path)
        switch (bits, result) {
        case (1, .success(let tiff)):
            #expect(tiff.description.bitsPerSample == 1)
            #expect(tiff.description.colorSpace == .binary)
            let pixels = try tiff.readTile(resolution: 0, tile: 0)
            #expect(pixels.bitsPerSample == 8 && pixels.bytes.allSatisfy { $0 == 0 || $0 == 255 })
            Self.expectEveryTileDecodes(tiff)
        case (65535, .failure(let error)):
            #expect(error == .unsupportedLayout("65535-bit unsigned samples"))
        case (0, .failure):
            break
        default:
            Issue.record("\(bits)-bit samples: \(result)")
        }
    }

    @Test(arguments: shortExtremes)
    func extremeSamplesPerPixel(samples: UInt16) throws {
        let path = try Self.write(
            "samples-\(samples)",
            HandmadeTIFF.tiled(
                width: 40, height: 40, tileWidth: 16, tileHeight: 16, samplesPerPixel: samples, photometric: 1))
        let result = Self.open(path)
        switch (samples, result) {
        case (1, .success(let tiff)):
            #expect(tiff.description.channels == 1)
            Self.expectEveryTileDecodes(tiff)
        case (65535, .failure(let error)):
            #expect(error == .unsupportedLayout("65535 samples per pixel (1 to 256)"))
        case (0, .failure):
            break
        default:
            Issue.record("\(samples) samples per pixel: \(result)")
        }
    }

    @Test func samplesPerPixelAtTheLimit() throws {
        let at = try Self.write(
            "samples-256",
            HandmadeTIFF.tiled(
                width: 20, height: 20, tileWidth: 16, tileHeight: 16, samplesPerPixel: 256, photometric: 1))
        let tiff = try PyramidTIFF(path: at)
        #expect(tiff.description.channels == 256)
        Self.expectEveryTileDecodes(tiff)
        let over = try Self.write(
            "samples-257",
            HandmadeTIFF.tiled(
                width: 20, height: 20, tileWidth: 16, tileHeight: 16, samplesPerPixel: 257, photometric: 1))
        #expect(throws: ImagingError.unsupportedLayout("257 samples per pixel (1 to 256)")) {
            try PyramidTIFF(path: over)
        }
        #expect(throws: ImagingError.self) {
            try PyramidTIFF(path: at, limits: ImageLimits(maxSamplesPerPixel: 255))
        }
    }

    @Test func imageSideAtTheLimit() throws {
        let at = try Self.write(
            "side-limit", HandmadeTIFF.tiled(width: 1 << 22, height: 16, tileWidth: 16, tileHeight: 16))
        let tiff = try PyramidTIFF(path: at)
        #expect(tiff.description.width == 1 << 22)
        #expect(try tiff.readTile(resolution: 0, tile: 0).width == 16)
        // The last tile has no entry of its own in the tiny file: an error, not a crash.
        _ = try? tiff.readTile(resolution: 0, tile: tiff.description.fullLevel.tileCount - 1)
        let over = try Self.write(
            "side-over", HandmadeTIFF.tiled(width: (1 << 22) + 1, height: 16, tileWidth: 16, tileHeight: 16))
        #expect(throws: ImagingError.unsupportedLayout("image size 4194305x16 (each side must be 1 to 4194304)")) {
            try PyramidTIFF(path: over)
        }
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: at, limits: ImageLimits(maxImageSide: 1 << 20)) }
    }

    // 2^22 x 2^14 in 16-pixel tiles is 2^28 tiles: libtiff counts them in 32 bits, the limit allows 2^26.
    @Test func tooManyTiles() throws {
        let path = try Self.write(
            "many-tiles", HandmadeTIFF.tiled(width: 1 << 22, height: 1 << 14, tileWidth: 16, tileHeight: 16))
        do {
            _ = try PyramidTIFF(path: path)
            Issue.record("2^28 tiles were accepted")
        } catch {
            guard case .unsupportedLayout(let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.contains("too many tiles"))
        }
    }

    @Test func tileBytes() throws {
        let huge = try Self.write(
            "tile-65536", HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 65536, tileHeight: 65536))
        #expect(throws: ImagingError.unsupportedLayout("a 65536x65536 tile of 1x8-bit samples exceeds 268435456 bytes"))
        {
            try PyramidTIFF(path: huge)
        }
        // 8192 x 8192 RGB is 192 MiB: within the default limit, but the file stores 64 KiB for it. Reading refuses
        // before allocating the tile; a tighter limit refuses the file.
        let big = try Self.write(
            "tile-8192",
            HandmadeTIFF.tiled(width: 64, height: 64, tileWidth: 8192, tileHeight: 8192, samplesPerPixel: 3))
        let tiff = try PyramidTIFF(path: big)
        do {
            _ = try tiff.readTile(resolution: 0, tile: 0)
            Issue.record("a tile with 64 KiB of its 192 MiB decoded")
        } catch {
            guard case .decodeFailed(let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.contains("stores 65536 bytes of 201326592"), "\(reason)")
        }
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: big, limits: ImageLimits(maxTileBytes: 4 << 20)) }
    }

    @Test func sampleLayoutsOnTheEdge() throws {
        // Planar and contiguous 1-bit RGB, planar 16-bit RGB, 32 and 64-bit floats decode.
        for (name, directory) in [
            (
                "planar-1bit",
                HandmadeTIFF.tiled(
                    width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 1, samplesPerPixel: 3,
                    planar: 2)
            ),
            (
                "contig-1bit",
                HandmadeTIFF.tiled(
                    width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 1, samplesPerPixel: 3)
            ),
            (
                "planar-16bit",
                HandmadeTIFF.tiled(
                    width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 16, samplesPerPixel: 3,
                    planar: 2)
            ),
            (
                "float-32bit",
                HandmadeTIFF.tiled(
                    width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 32, sampleFormat: 3)
            ),
            (
                "float-64bit",
                HandmadeTIFF.tiled(
                    width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 64, sampleFormat: 3)
            ),
        ] {
            Self.expectEveryTileDecodes(try PyramidTIFF(path: try Self.write(name, directory)))
        }
        // Unsupported sample sizes and photometric interpretations.
        for (name, directory, error) in [
            (
                "int-64bit",
                HandmadeTIFF.tiled(width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 64),
                ImagingError.unsupportedLayout("64-bit unsigned samples")
            ),
            (
                "int-24bit",
                HandmadeTIFF.tiled(width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 24),
                .unsupportedLayout("24-bit unsigned samples")
            ),
            (
                "signed-4bit",
                HandmadeTIFF.tiled(
                    width: 40, height: 40, tileWidth: 16, tileHeight: 16, bitsPerSample: 4, sampleFormat: 2),
                .unsupportedLayout("4-bit signed samples")
            ),
            (
                "photometric-99",
                HandmadeTIFF.tiled(width: 40, height: 40, tileWidth: 16, tileHeight: 16, photometric: 99),
                .unsupportedLayout("photometric interpretation 99")
            ),
        ] {
            let path = try Self.write(name, directory)
            #expect(throws: error) { try PyramidTIFF(path: path) }
        }
    }

    /// A tiled `side` x `side` level, optionally marked as a reduced image.
    private static func level(_ side: UInt32, reduced: Bool = false) -> HandmadeTIFF.Directory {
        HandmadeTIFF.tiled(width: side, height: side, tileWidth: 16, tileHeight: 16, subfileType: reduced ? 1 : nil)
    }

    @Test func moreLevelsThanTheLimit() throws {
        // 120 top-level IFDs, each a pixel smaller than the one before.
        let path = try Self.write("levels-120", (0..<120).map { Self.level(UInt32(300 - $0)) })
        #expect(throws: ImagingError.unsupportedLayout("more than 64 resolution levels")) {
            try PyramidTIFF(path: path)
        }
        let allowed = try PyramidTIFF(path: path, limits: ImageLimits(maxLevels: 200))
        #expect(allowed.description.resolutionCount == 120)
        #expect(allowed.description.levels.first?.width == 181)
        #expect(try allowed.readTile(resolution: 0, tile: 0).width == 16)

        // The same as SubIFDs of the first.
        var first = Self.level(300)
        first.entries.append((330, .directories(Array(1...120))))
        first.next = .end
        let subs = (0..<120).map { index -> HandmadeTIFF.Directory in
            var directory = Self.level(UInt32(299 - index), reduced: true)
            directory.next = .end
            return directory
        }
        let subPath = try Self.write("subifds-120", [first] + subs)
        #expect(throws: ImagingError.unsupportedLayout("more than 64 resolution levels")) {
            try PyramidTIFF(path: subPath)
        }
        #expect(try PyramidTIFF(path: subPath, limits: ImageLimits(maxLevels: 121)).description.resolutionCount == 121)
    }

    @Test func directoriesBeyondTheScanLimit() throws {
        // 1,101 same-size directories (not levels) before a real reduced level: the scan stops at 1,024.
        let directories = [Self.level(64)] + Array(repeating: Self.level(64), count: 1100) + [Self.level(32)]
        let path = try Self.write("directories-1102", directories)
        let tiff = try PyramidTIFF(path: path)
        #expect(tiff.description.resolutionCount == 1)
        #expect(try PyramidTIFF(path: path, limits: ImageLimits(maxDirectories: 2000)).description.resolutionCount == 2)
        #expect(try PyramidTIFF(path: path, limits: ImageLimits(maxDirectories: 0)).description.resolutionCount == 1)
        #expect(try PyramidTIFF(path: path, limits: ImageLimits(maxDirectories: -1)).description.resolutionCount == 1)
    }

    @Test func directoryChainsThatLoop() throws {
        var selfLoop = Self.level(64)
        selfLoop.next = .directory(0)
        var backToFirst = Self.level(32)
        backToFirst.next = .directory(0)
        var backToSecond = Self.level(16)
        backToSecond.next = .directory(1)
        let cases: [(String, [HandmadeTIFF.Directory], Int)] = [
            ("loop-self", [selfLoop], 1),
            ("loop-two", [Self.level(64), backToFirst], 2),
            ("loop-three", [Self.level(64), Self.level(32), backToSecond], 3),
        ]
        for (name, directories, levels) in cases {
            let tiff = try PyramidTIFF(path: try Self.write(name, directories))
            #expect(tiff.description.resolutionCount == levels, "\(name)")
            Self.expectEveryTileDecodes(tiff)
        }
    }

    @Test func subIFDsThatLoop() throws {
        // IFD 0 lists itself as its SubIFD.
        var selfParent = Self.level(64)
        selfParent.entries.append((330, .directories([0])))
        selfParent.next = .end
        let selfTIFF = try PyramidTIFF(path: try Self.write("subifd-self", [selfParent]))
        #expect(selfTIFF.description.resolutionCount == 1)
        Self.expectEveryTileDecodes(selfTIFF)

        // IFD 0 lists a reduced level twice and itself; the level lists IFD 0 and chains back to it.
        var parent = Self.level(64)
        parent.entries.append((330, .directories([1, 1, 0])))
        parent.next = .end
        var child = Self.level(32, reduced: true)
        child.entries.append((330, .directories([0])))
        child.next = .directory(0)
        let tiff = try PyramidTIFF(path: try Self.write("subifd-loop", [parent, child]))
        #expect(tiff.description.levels.map(\.width) == [32, 64])
        Self.expectEveryTileDecodes(tiff)
    }

    // ICC profiles and XMP packets over the limit are left out; the image still opens.
    @Test func metadataOverTheLimitIsLeftOut() throws {
        var metadata = ImageMetadata()
        metadata.xmp = String(repeating: "x", count: 3000)
        let spec = FixtureSpec("img-extreme-metadata.tif", width: 40, height: 30).with {
            $0.compression = .none
            $0.iccProfile = Array(repeating: 7, count: 2000)
            $0.metadata = metadata
        }
        let path = Fixtures.path(try Fixtures.make(spec))
        let full = try PyramidTIFF(path: path)
        #expect(full.description.iccProfile?.count == 2000)
        #expect(full.description.metadata.xmp?.count == 3000)
        for limit in [-5, 0, 1999] {
            let trimmed = try PyramidTIFF(path: path, limits: ImageLimits(maxMetadataBytes: limit))
            #expect(trimmed.description.iccProfile == nil)
            #expect(trimmed.description.metadata.xmp == nil)
        }
        let between = try PyramidTIFF(path: path, limits: ImageLimits(maxMetadataBytes: 2000))
        #expect(between.description.iccProfile?.count == 2000 && between.description.metadata.xmp == nil)
    }

    // Limits that are zero, negative or unbounded must not make the checks themselves trap.
    @Test func degenerateLimitsNeverTrap() throws {
        let path = try Self.write("limits", [Self.level(64), Self.level(32)])
        let degenerate = [
            ImageLimits(maxImageSide: 0), ImageLimits(maxTileSide: -1), ImageLimits(maxTileBytes: 0),
            ImageLimits(maxTilesPerLevel: 0), ImageLimits(maxSamplesPerPixel: 0),
        ]
        for limits in degenerate {
            #expect(throws: ImagingError.self) { try PyramidTIFF(path: path, limits: limits) }
        }
        for levels in [Int.min, 0, 1] {
            #expect(throws: ImagingError.unsupportedLayout("more than \(levels) resolution levels")) {
                try PyramidTIFF(path: path, limits: ImageLimits(maxLevels: levels))
            }
        }
        #expect(
            try ImageSourceOpener.open(path: path, limits: ImageLimits(maxLevels: 2)).description.resolutionCount == 2)

        // The arithmetic with no limits at all: products of 32-bit header values that overflow Int.
        let unbounded = ImageLimits(
            maxImageSide: .max, maxTileSide: .max, maxTileBytes: .max, maxTilesPerLevel: .max,
            maxSamplesPerPixel: .max)
        let largest = Int(UInt32.max)
        let overflowing: [(PyramidLevel, Int, Int)] = [
            (PyramidLevel(width: largest, height: largest, tileWidth: 1, tileHeight: 1), 65535, 8),
            (PyramidLevel(width: 1, height: 1, tileWidth: largest, tileHeight: largest), 65535, 32),
            (PyramidLevel(width: .max, height: .max, tileWidth: 1, tileHeight: 1), 1, 8),
            (PyramidLevel(width: .max, height: .max, tileWidth: .max, tileHeight: .max), .max, 32),
        ]
        for (level, channels, bits) in overflowing {
            #expect(throws: ImagingError.self) {
                try PyramidTIFF.check(level, channels: channels, bits: bits, planarSeparate: true, limits: unbounded)
            }
        }
        for level in [
            PyramidLevel(width: 0, height: 1, tileWidth: 1, tileHeight: 1),
            PyramidLevel(width: -1, height: 1, tileWidth: 1, tileHeight: 1),
            PyramidLevel(width: 1, height: 1, tileWidth: 0, tileHeight: 1),
            PyramidLevel(width: 1, height: 1, tileWidth: 1, tileHeight: .min),
        ] {
            #expect(throws: ImagingError.self) {
                try PyramidTIFF.check(level, channels: 1, bits: 8, planarSeparate: false, limits: unbounded)
            }
        }
    }
}
