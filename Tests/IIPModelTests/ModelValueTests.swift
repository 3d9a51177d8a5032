import IIPModel
import IIPTestSupport
import Testing

// iipsrv-reference §2 (tile numbering), §6.1 (default maxima)
@Suite("Model values used by the protocol")
struct IIPModelTests {
    @Test("Tiles are counted row-major and cropped at the right and bottom edges")
    func tileGrid() {
        let level = PyramidLevel(width: 1000, height: 700, tileWidth: 256, tileHeight: 256)
        #expect(level.tilesAcross == 4)
        #expect(level.tilesDown == 3)
        #expect(level.tileCount == 12)
        #expect(level.tileRect(0) == PixelRect(x: 0, y: 0, width: 256, height: 256))
        #expect(level.tileRect(3) == PixelRect(x: 768, y: 0, width: 232, height: 256))
        #expect(level.tileRect(4) == PixelRect(x: 0, y: 256, width: 256, height: 256))
        #expect(level.tileRect(11) == PixelRect(x: 768, y: 512, width: 232, height: 188))
        #expect(level.tileRect(12) == nil)
        #expect(level.tileRect(-1) == nil)
        let exact = PyramidLevel(width: 512, height: 256, tileWidth: 256, tileHeight: 256)
        #expect(exact.tileCount == 2)
        #expect(exact.tileRect(1) == PixelRect(x: 256, y: 0, width: 256, height: 256))
    }

    static let rotations: [(Rotation, Int?, Bool, Bool)] = [
        (Rotation(), 0, false, true),
        (Rotation(degrees: 90), 1, true, false),
        (Rotation(degrees: 180), 2, false, false),
        (Rotation(degrees: 270), 3, true, false),
        (Rotation(degrees: 360), 0, false, true),
        (Rotation(degrees: 45), nil, false, false),
        (Rotation(degrees: 0, mirrored: true), 0, false, false),
        (Rotation(degrees: 90, mirrored: true), 1, true, false),
    ]

    @Test("Rotation: quarter turns, axis swap and identity", arguments: rotations.indices)
    func rotation(index: Int) {
        let (rotation, turns, swaps, identity) = Self.rotations[index]
        #expect(rotation.quarterTurns == turns)
        #expect(rotation.swapsAxes == swaps)
        #expect(rotation.isIdentity == identity)
    }

    @Test("Convolution kernels take 1, 9 or 25 coefficients", arguments: [0, 1, 2, 4, 9, 16, 25, 49])
    func kernelSizes(count: Int) {
        let kernel = ConvolutionKernel(coefficients: Array(repeating: 1, count: count))
        let expected: Int? = [1: 1, 9: 3, 25: 5][count]
        #expect(kernel?.size == expected)
    }

    @Test("Named kernels are case-insensitive; unknown names give nil")
    func namedKernels() {
        #expect(ConvolutionKernel.named("Gaussian")?.coefficients == [1, 2, 1, 2, 4, 2, 1, 2, 1])
        #expect(ConvolutionKernel.named("blur") == nil)
    }

    static let maxima: [(Int, SampleFormat, Double)] = [
        (1, .unsignedInteger, 255), (8, .unsignedInteger, 255), (12, .unsignedInteger, 4095),
        (16, .unsignedInteger, 65535), (16, .signedInteger, 65535), (32, .unsignedInteger, 4_294_967_295),
        (32, .floatingPoint, 1), (16, .floatingPoint, 1),
    ]

    @Test("Default maxima when the file gives none", arguments: maxima)
    func defaultMaximum(bits: Int, format: SampleFormat, expected: Double) {
        #expect(ImageDescription.defaultMaximum(bits: bits, format: format) == expected)
    }

    @Test("An image description's derived values and defaults")
    func description() {
        let image = TestImages.grey16
        #expect(image.width == 640)
        #expect(image.height == 480)
        #expect(image.resolutionCount == 1)
        #expect(image.fullLevel == image.levels[0])
        #expect(image.minValues == [0])
        #expect(image.maxValues == [65535])
        #expect(image.horizontalViews == [0])
        #expect(image.verticalViews == [90])
        #expect(TestImages.rgb.maxValues == [255, 255, 255])
        #expect(TestImages.rgb.fullLevel.width == 1000)
    }

    @Test("Densities convert to pixels per metre")
    func pixelsPerMetre() {
        let cm = PhysicalResolution(x: 10, y: 20, unit: .centimetre).pixelsPerMetre
        #expect(cm.x == 1000)
        #expect(cm.y == 2000)
        let inch = PhysicalResolution(x: 254, y: 25.4, unit: .inch).pixelsPerMetre
        #expect(abs(inch.x - 10000) < 1e-9)
        #expect(abs(inch.y - 1000) < 1e-9)
    }

    @Test("Colour space codes of the OBJ colorspace line")
    func colorSpaceCodes() {
        #expect(ColorSpace.greyscale.protocolCode == 1)
        #expect(ColorSpace.binary.protocolCode == 1)
        #expect(ColorSpace.sRGB.protocolCode == 3)
        #expect(ColorSpace.cieLAB.protocolCode == 4)
    }

    @Test("Pixel rectangles: edges, emptiness, overlap, description")
    func pixelRect() {
        let rect = PixelRect(x: 10, y: 20, width: 30, height: 40)
        #expect(rect.maxX == 40)
        #expect(rect.maxY == 60)
        #expect(!rect.isEmpty)
        #expect(PixelRect(x: 0, y: 0, width: 0, height: 5).isEmpty)
        #expect(
            rect.intersection(PixelRect(x: 30, y: 50, width: 100, height: 100))
                == PixelRect(
                    x: 30, y: 50, width: 10, height: 10))
        #expect(rect.intersection(PixelRect(x: 40, y: 20, width: 5, height: 5)) == nil)
        #expect(rect.description == "10,20 30x40")
    }

    @Test("The whole-image region")
    func normalizedRegion() {
        #expect(NormalizedRegion.full == NormalizedRegion(x: 0, y: 0, width: 1, height: 1))
        #expect(NormalizedRegion.full.isFull)
        #expect(!NormalizedRegion(x: 0, y: 0, width: 0.5, height: 1).isFull)
        #expect(!NormalizedRegion(x: 0.1, y: 0, width: 1, height: 1).isFull)
    }

    @Test("Output formats: media types, extensions and size limits")
    func outputFormats() {
        #expect(
            OutputFormat.allCases.map(\.mediaType) == [
                "image/jpeg", "image/png", "image/webp", "image/tiff", "image/gif", "image/jp2", "application/pdf",
                "image/avif", "image/jxl",
            ])
        #expect(
            OutputFormat.allCases.map(\.fileExtension) == [
                "jpg", "png", "webp", "tif", "gif", "jp2", "pdf", "avif", "jxl",
            ])
        // IIIF and DeepZoom name formats by extension: only the canonical one is known.
        for format in OutputFormat.allCases { #expect(OutputFormat(fileExtension: format.fileExtension) == format) }
        #expect(OutputFormat(fileExtension: "jpeg") == nil && OutputFormat(fileExtension: "JPG") == nil)
        #expect(OutputFormat.jpeg.maxSide == 65500 && OutputFormat.webp.maxSide == 16383)
        #expect(OutputFormat.jxl.maxSide == 1 << 30 && OutputFormat.jxl.supportsAlpha)
    }

    @Test("Metadata fields in master order, empty ones and XMP left out")
    func namedFields() {
        var metadata = TestImages.metadata
        metadata.make = ""
        let names = metadata.namedFields.map(\.name)
        #expect(names == ["rights", "creator", "description", "date", "title", "pagename", "software", "model"])
        #expect(metadata.namedFields.first?.value == "© Test Owner")
        #expect(ImageMetadata().namedFields.isEmpty)
    }

    // iipsrv-reference §6.1
    @Test("Which settings need the floating-point pipeline")
    func processing() {
        var processing = ImageProcessing()
        #expect(processing.isIdentity)
        #expect(!processing.needsFloatPipeline)
        processing.colorConversion = .grey
        #expect(!processing.needsFloatPipeline)
        #expect(!processing.isIdentity)
        processing = ImageProcessing()
        processing.rotation = Rotation(degrees: 90)
        #expect(!processing.needsFloatPipeline)
        #expect(!processing.isIdentity)
        // Master equalises the 8-bit pixels: wider samples reach it by the fast reduction, not the float chain.
        processing = ImageProcessing()
        processing.contrast = .equalization
        #expect(!processing.needsFloatPipeline)
        #expect(!processing.isIdentity)
        processing.contrast = .stretch
        #expect(processing.needsFloatPipeline)
        for change: (inout ImageProcessing) -> Void in [
            { $0.contrast = .factor(1.5) }, { $0.gamma = .exponent(2) }, { $0.invert = true },
            { $0.colorMap = .jet }, { $0.sampleRanges = [SampleRange(channel: nil, minimum: 0, maximum: 1)] },
            { $0.shade = LightDirection(horizontal: 0, vertical: 45) }, { $0.colorTwist = [[1]] },
            { $0.convolution = ConvolutionKernel.named("sobel") },
        ] {
            var changed = ImageProcessing()
            change(&changed)
            #expect(changed.needsFloatPipeline)
            #expect(!changed.isIdentity)
        }
    }
}
