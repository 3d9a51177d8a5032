import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// Decoder modules (DECODER_MODULES) loaded through the C ABI of `iipsrv_async_module.h`: the example PGM/PPM module
/// compiled by the test with `cc`, and builds of it that break the ABI in each way the loader and the source must
/// catch.
@Suite struct DecoderModuleTests {
    static func load(_ build: DecoderModuleFixtures.Build) throws -> DecoderModule {
        try DecoderModule.load(path: try DecoderModuleFixtures.make(build))
    }

    /// The picture a module serves at `halvings` below full size: 2^k x 2^k block averages, rounded, as the example
    /// module computes them.
    static func reduced(_ pixels: PixelBuffer, halvings: Int) -> PixelBuffer {
        let block = 1 << halvings
        let width = max(pixels.width >> halvings, 1)
        let height = max(pixels.height >> halvings, 1)
        var output = PixelBuffer(width: width, height: height, channels: pixels.channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<pixels.channels {
                    var sum = 0
                    var count = 0
                    for sy in (y * block)..<min((y + 1) * block, pixels.height) {
                        for sx in (x * block)..<min((x + 1) * block, pixels.width) {
                            sum += Int(pixels.bytes[(sy * pixels.width + sx) * pixels.channels + c])
                            count += 1
                        }
                    }
                    output.bytes[(y * width + x) * pixels.channels + c] = UInt8((sum + count / 2) / count)
                }
            }
        }
        return output
    }

    // MARK: - Loading

    @Test func loadsTheExampleModuleAndReadsItsTable() throws {
        let module = try Self.load(DecoderModuleFixtures.reader)
        #expect(module.name == "ppm")
        #expect(module.extensions == ["ppm", "pgm"])
        #expect(module.readsRegions)
        #expect(!(try Self.load(DecoderModuleFixtures.tilesOnly)).readsRegions)
    }

    @Test func refusesALibraryOfAnotherABIVersion() throws {
        let path = try DecoderModuleFixtures.make(DecoderModuleFixtures.wrongVersion)
        #expect(throws: DecoderModuleError.wrongABIVersion(path: path, found: 99, expected: 1)) {
            try DecoderModule.load(path: path)
        }
        #expect(DecoderModule.abiVersion == 1)
    }

    @Test func refusesALibraryWithoutTheEntrySymbol() throws {
        let path = try DecoderModuleFixtures.make(DecoderModuleFixtures.noEntry)
        #expect(throws: DecoderModuleError.missingEntry(path: path)) { try DecoderModule.load(path: path) }
    }

    @Test func refusesWhatIsNotALoadableLibrary() throws {
        let missing = DecoderModuleFixtures.directory + "/no-such-module.so"
        let text = Fixtures.path(try Fixtures.makeText("not-a-library.so", contents: "hello"))
        for path in [missing, text] {
            do {
                _ = try DecoderModule.load(path: path)
                Issue.record("\(path) loaded")
            } catch {
                guard case .cannotLoad(let reported, let reason) = error else {
                    Issue.record("\(path): \(error)")
                    continue
                }
                #expect(reported == path && !reason.isEmpty)
                #expect(error.description.hasPrefix("decoder module \(path) refused: cannot load it: "))
            }
        }
    }

    @Test func extensionsAreParsedLeniently() {
        #expect(DecoderModule.parseExtensions(" PPM, .pgm,,ppm , ..X ") == ["ppm", "pgm", "x"])
        #expect(DecoderModule.parseExtensions(",, ,").isEmpty)
    }

    // The first module to claim an extension keeps it; the rest load, and refusals come back in order.
    @Test func modulesAreChosenByExtensionFirstComeFirstServed() throws {
        let paths = [
            try DecoderModuleFixtures.make(DecoderModuleFixtures.reader),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.wrongVersion),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.sameExtension),
            try DecoderModuleFixtures.make(DecoderModuleFixtures.tilesOnly),
        ]
        let (modules, refusals) = DecoderModules.load(paths: paths)
        #expect(modules.loaded.map(\.path) == [paths[0], paths[3]])
        #expect(refusals.count == 2)
        #expect(refusals.first == .wrongABIVersion(path: paths[1], found: 99, expected: 1))
        #expect(refusals.last == .extensionTaken(path: paths[2], fileExtension: "ppm", by: "ppm (\(paths[0]))"))
        #expect(modules.module(forPath: "/images/a.ppm")?.path == paths[0])
        #expect(modules.module(forPath: "/images/A.PGM")?.path == paths[0])
        #expect(modules.module(forPath: "/images/b.tppm")?.path == paths[3])
        #expect(modules.module(forPath: "/images/c.tif") == nil)
        #expect(modules.module(forPath: "/images.ppm/c") == nil)
        #expect(modules.module(forPath: "/images/ppm") == nil)
        #expect(DecoderModules().module(forPath: "/images/a.ppm") == nil)
    }

    // MARK: - Reading

    @Test func tilesAndRegionsAreTheFilesPixels() throws {
        let module = try Self.load(DecoderModuleFixtures.reader)
        let pixels = try DecoderModuleFixtures.picture("module-rgb.ppm", width: 700, height: 500)
        let source = try ModuleImageSource(module: module, path: Fixtures.path("module-rgb.ppm"))
        let description = source.description
        #expect(description.levels.map { [$0.width, $0.height] } == [[175, 125], [350, 250], [700, 500]])
        #expect(description.levels.allSatisfy { $0.tileWidth == 256 && $0.tileHeight == 256 })
        #expect(description.channels == 3 && description.bitsPerSample == 8 && description.colorSpace == .sRGB)
        // Tile 5 of the full level is the bottom right one: 700 - 512 wide, 500 - 256 high.
        let tile = try source.readTile(resolution: 2, tile: 5)
        #expect(tile.width == 188 && tile.height == 244)
        #expect(tile == pixels.cropped(x: 512, y: 256, width: 188, height: 244))
        let region = try source.readRegion(resolution: 2, rect: PixelRect(x: 100, y: 30, width: 300, height: 200))
        #expect(region == pixels.cropped(x: 100, y: 30, width: 300, height: 200))
        #expect(source.regionReading(resolution: 1) == .direct)
        // Reduced levels: 2 x 2 and 4 x 4 block averages.
        #expect(
            try source.readTile(resolution: 1, tile: 1)
                == Self.reduced(pixels, halvings: 1).cropped(
                    x: 256, y: 0, width: 94, height: 250))
        #expect(try source.readTile(resolution: 0, tile: 0) == Self.reduced(pixels, halvings: 2))
        #expect(throws: ImagingError.noSuchTile(6)) { try source.readTile(resolution: 2, tile: 6) }
        #expect(throws: ImagingError.noSuchResolution(3)) { try source.readTile(resolution: 3, tile: 0) }
        #expect(throws: ImagingError.self) {
            try source.readRegion(resolution: 0, rect: PixelRect(x: 100, y: 100, width: 100, height: 100))
        }
    }

    @Test func greyAndSixteenBitFilesKeepTheirSamples() throws {
        let module = try Self.load(DecoderModuleFixtures.reader)
        let grey = try DecoderModuleFixtures.picture("module-grey.pgm", width: 300, height: 200, channels: 1)
        let greySource = try ModuleImageSource(module: module, path: Fixtures.path("module-grey.pgm"))
        #expect(greySource.description.channels == 1 && greySource.description.colorSpace == .greyscale)
        #expect(try greySource.readTile(resolution: 1, tile: 1) == grey.cropped(x: 256, y: 0, width: 44, height: 200))
        let deep = try DecoderModuleFixtures.picture("module-deep.ppm", width: 200, height: 150, bits: 16)
        let deepSource = try ModuleImageSource(module: module, path: Fixtures.path("module-deep.ppm"))
        #expect(deepSource.description.bitsPerSample == 16)
        #expect(deepSource.description.maxValues == [65535, 65535, 65535])
        #expect(try deepSource.readTile(resolution: 0, tile: 0) == deep)
    }

    // Without read_region the server composes regions from tiles; the pixels are the same.
    @Test func aModuleWithoutRegionsHasThemComposedFromTiles() throws {
        let module = try Self.load(DecoderModuleFixtures.tilesOnly)
        let pixels = try DecoderModuleFixtures.picture("module-tiles.tppm", width: 400, height: 300)
        let source = try ModuleImageSource(module: module, path: Fixtures.path("module-tiles.tppm"))
        #expect(source.description.fullLevel == PyramidLevel(width: 400, height: 300, tileWidth: 128, tileHeight: 128))
        #expect(source.regionReading(resolution: 2) == .tiles)
        let region = try source.readRegion(
            resolution: source.description.resolutionCount - 1, rect: PixelRect(x: 100, y: 90, width: 250, height: 200))
        #expect(region == pixels.cropped(x: 100, y: 90, width: 250, height: 200))
    }

    // The module's extension decides before the file's first bytes: a PPM named .ppm goes to the module, a TIFF
    // named .ppm too (which refuses it as not its format), and a PPM named otherwise to the built-in readers.
    @Test func theOpenerAsksTheModuleForItsExtensions() throws {
        let (modules, refusals) = DecoderModules.load(paths: [
            try DecoderModuleFixtures.make(DecoderModuleFixtures.reader)
        ])
        #expect(refusals.isEmpty)
        let opener = ImageSourceOpener(modules: modules)
        try DecoderModuleFixtures.picture("module-opened.ppm", width: 90, height: 60)
        #expect(try opener.open(path: Fixtures.path("module-opened.ppm")) is ModuleImageSource)
        try DecoderModuleFixtures.picture("module-opened.dat", width: 90, height: 60)
        #expect(throws: ImagingError.unsupportedFormat("unrecognised file signature")) {
            try opener.open(path: Fixtures.path("module-opened.dat"))
        }
        let tiff = try Fixtures.make(FixtureSpec("module-tiff.tif", width: 64, height: 64))
        try? FileManager.default.removeItem(atPath: Fixtures.path("module-tiff-named.ppm"))
        try FileManager.default.copyItem(atPath: Fixtures.path(tiff), toPath: Fixtures.path("module-tiff-named.ppm"))
        #expect(throws: ImagingError.unsupportedFormat("ppm module: not a binary PGM or PPM file")) {
            try opener.open(path: Fixtures.path("module-tiff-named.ppm"))
        }
        #expect(try ImageSourceOpener.open(path: Fixtures.path(tiff)) is PyramidTIFF)
    }

    // MARK: - What a module or its file may get wrong

    // Sizes a module reports go through the same limits as a TIFF header's, before any buffer is allocated.
    @Test func reportedSizesAreCheckedAgainstTheLimits() throws {
        let huge = try Self.load(DecoderModuleFixtures.hugeClaim)
        try DecoderModuleFixtures.picture("module-claims.hugeppm", width: 300, height: 200)
        do {
            _ = try ModuleImageSource(module: huge, path: Fixtures.path("module-claims.hugeppm"))
            Issue.record("a 10^8-pixel claim was accepted")
        } catch {
            guard case .unsupportedLayout(let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.contains("100000000x100000000"))
        }
        let reader = try Self.load(DecoderModuleFixtures.reader)
        try DecoderModuleFixtures.picture("module-limits.ppm", width: 300, height: 200)
        let path = Fixtures.path("module-limits.ppm")
        for limits in [ImageLimits(maxImageSide: 299), ImageLimits(maxTileSide: 255), ImageLimits(maxLevels: 1)] {
            #expect(throws: ImagingError.self) { try ModuleImageSource(module: reader, path: path, limits: limits) }
        }
        let within = try ModuleImageSource(module: reader, path: path, limits: ImageLimits(maxImageSide: 300))
        #expect(within.description.width == 300)
    }

    @Test func aModuleThatFailsToOpenIsADecodeErrorWithoutThePath() throws {
        let module = try Self.load(DecoderModuleFixtures.failsOpen)
        try DecoderModuleFixtures.picture("module-refused.failppm", width: 50, height: 50)
        let path = Fixtures.path("module-refused.failppm")
        #expect(throws: ImagingError.decodeFailed("ppm module: this test build refuses every file (the file)")) {
            try ModuleImageSource(module: module, path: path)
        }
    }

    @Test func aModuleThatOpensWithoutAHandleIsRefused() throws {
        let module = try Self.load(DecoderModuleFixtures.nullHandle)
        try DecoderModuleFixtures.picture("module-nothing.nullppm", width: 50, height: 50)
        #expect(throws: ImagingError.decodeFailed("ppm module: it did not open the file")) {
            try ModuleImageSource(module: module, path: Fixtures.path("module-nothing.nullppm"))
        }
    }

    @Test func aFailedReadIsADecodeErrorWithTheModulesReason() throws {
        let module = try Self.load(DecoderModuleFixtures.failsReads)
        try DecoderModuleFixtures.picture("module-unreadable.readfailppm", width: 50, height: 50)
        let source = try ModuleImageSource(module: module, path: Fixtures.path("module-unreadable.readfailppm"))
        #expect(throws: ImagingError.decodeFailed("ppm module: this test build fails every read")) {
            try source.readTile(resolution: 0, tile: 0)
        }
    }

    @Test func damagedFilesAreRefusedWithTheModulesReason() throws {
        let module = try Self.load(DecoderModuleFixtures.reader)
        try DecoderModuleFixtures.picture("module-cut.ppm", width: 100, height: 100)
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("module-cut.ppm")))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: Fixtures.path("module-cut.ppm")))
        #expect(throws: ImagingError.decodeFailed("ppm module: the samples are truncated (15007 of 30015 bytes)")) {
            try ModuleImageSource(module: module, path: Fixtures.path("module-cut.ppm"))
        }
        try Data("P6\n12 x\n255\n".utf8).write(to: URL(fileURLWithPath: Fixtures.path("module-header.ppm")))
        #expect(throws: ImagingError.decodeFailed("ppm module: a damaged PNM header")) {
            try ModuleImageSource(module: module, path: Fixtures.path("module-header.ppm"))
        }
        try Data("P3\n1 1\n255\n0 0 0\n".utf8).write(to: URL(fileURLWithPath: Fixtures.path("module-ascii.ppm")))
        #expect(throws: ImagingError.unsupportedFormat("ppm module: not a binary PGM or PPM file")) {
            try ModuleImageSource(module: module, path: Fixtures.path("module-ascii.ppm"))
        }
    }
}
