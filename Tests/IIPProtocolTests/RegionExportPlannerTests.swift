import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

/// One CVT planning case and the plan it must give.
struct PlanCase: Sendable, CustomTestStringConvertible {
    var label: String
    var image: ImageDescription
    var region = NormalizedRegion.full
    var width = 0
    var height = 0
    var maxSize: Int? = nil
    var allowUpscaling = true
    /// Expected: resolution, source rect (x, y, w, h) at that level, full-resolution rect, output size.
    var resolution: Int
    var source: (Int, Int, Int, Int)
    var full: (Int, Int, Int, Int)
    var output: (Int, Int)

    var testDescription: String { label }

    var expected: RegionExportPlan {
        RegionExportPlan(
            resolution: resolution, sourceRect: rect(source), fullRect: rect(full), outputWidth: output.0,
            outputHeight: output.1)
    }

    func plan() -> RegionExportPlan {
        RegionExportPlanner.plan(
            image: image, region: region, width: width, height: height, maxSize: maxSize,
            allowUpscaling: allowUpscaling)
    }
}

private func rect(_ values: (Int, Int, Int, Int)) -> PixelRect {
    PixelRect(x: values.0, y: values.1, width: values.2, height: values.3)
}

private func rgn(_ x: Double, _ y: Double, _ width: Double, _ height: Double) -> NormalizedRegion {
    NormalizedRegion(x: x, y: y, width: width, height: height)
}

private let rgb = TestImages.rgb
private let odd = TestImages.odd
private let rgbFull = (0, 0, 1000, 700)
private let oddFull = (0, 0, 1013, 677)

// iipsrv-reference §5.1 (with this project's documented differences)
@Suite("CVT planning: output size")
struct RegionExportSizeTests {
    static let sizes: [PlanCase] = [
        PlanCase(
            label: "neither WID nor HEI: full size", image: rgb, resolution: 2, source: rgbFull, full: rgbFull,
            output: (1000, 700)),
        PlanCase(
            label: "WID only", image: rgb, width: 500, resolution: 1, source: (0, 0, 500, 350), full: rgbFull,
            output: (500, 350)),
        PlanCase(
            label: "HEI only", image: rgb, height: 175, resolution: 0, source: (0, 0, 250, 175), full: rgbFull,
            output: (250, 175)),
        PlanCase(
            label: "WID only, height rounded", image: rgb, width: 251, resolution: 1, source: (0, 0, 500, 350),
            full: rgbFull, output: (251, 176)),
        PlanCase(
            label: "HEI only, width rounded", image: rgb, height: 176, resolution: 1, source: (0, 0, 500, 350),
            full: rgbFull, output: (251, 176)),
        PlanCase(
            label: "both, box taller than the image: width wins", image: rgb, width: 300, height: 300,
            resolution: 1, source: (0, 0, 500, 350), full: rgbFull, output: (300, 210)),
        PlanCase(
            label: "both, box wider than the image: height wins", image: rgb, width: 1000, height: 100,
            resolution: 0, source: (0, 0, 250, 175), full: rgbFull, output: (143, 100)),
        PlanCase(
            label: "both, exact aspect", image: rgb, width: 500, height: 350, resolution: 1,
            source: (0, 0, 500, 350), full: rgbFull, output: (500, 350)),
        PlanCase(
            label: "neither, region: the region's own size, not the image's", image: rgb,
            region: rgn(0.25, 0.25, 0.5, 0.5), resolution: 2, source: (250, 175, 500, 350),
            full: (250, 175, 500, 350), output: (500, 350)),
        PlanCase(
            label: "WID with a region", image: rgb, region: rgn(0.25, 0.25, 0.5, 0.5), width: 250, resolution: 1,
            source: (125, 88, 250, 175), full: (250, 175, 500, 350), output: (250, 175)),
        PlanCase(
            label: "upscaling allowed", image: rgb, width: 2000, resolution: 2, source: rgbFull, full: rgbFull,
            output: (2000, 1400)),
    ]

    @Test("WID only, HEI only, both (fit inside keeping the aspect), neither (region size)", arguments: sizes)
    func size(_ testCase: PlanCase) {
        #expect(testCase.plan() == testCase.expected)
    }

    static let upscaling: [PlanCase] = [
        PlanCase(
            label: "WID beyond the image", image: rgb, width: 2000, allowUpscaling: false, resolution: 2,
            source: rgbFull, full: rgbFull, output: (1000, 700)),
        PlanCase(
            label: "HEI beyond the image", image: rgb, height: 1400, allowUpscaling: false, resolution: 2,
            source: rgbFull, full: rgbFull, output: (1000, 700)),
        PlanCase(
            label: "WID beyond the region but inside the image: capped to the region", image: rgb,
            region: rgn(0, 0, 0.5, 0.5), width: 800, allowUpscaling: false, resolution: 2,
            source: (0, 0, 500, 350), full: (0, 0, 500, 350), output: (500, 350)),
        PlanCase(
            label: "WID inside the region", image: rgb, region: rgn(0, 0, 0.5, 0.5), width: 400,
            allowUpscaling: false, resolution: 2, source: (0, 0, 500, 350), full: (0, 0, 500, 350),
            output: (400, 280)),
        PlanCase(
            label: "box larger than the region but fitted output inside it", image: rgb, width: 2000, height: 100,
            allowUpscaling: false, resolution: 0, source: (0, 0, 250, 175), full: rgbFull, output: (143, 100)),
        PlanCase(
            label: "neither: region size", image: rgb, region: rgn(0.25, 0.25, 0.5, 0.5), allowUpscaling: false,
            resolution: 2, source: (250, 175, 500, 350), full: (250, 175, 500, 350), output: (500, 350)),
    ]

    @Test("ALLOW_UPSCALING=false caps the output to the region's size", arguments: upscaling)
    func noUpscaling(_ testCase: PlanCase) {
        #expect(testCase.plan() == testCase.expected)
    }

    static let maxCVT: [PlanCase] = [
        PlanCase(
            label: "landscape: width clamped", image: rgb, maxSize: 512, resolution: 2, source: rgbFull,
            full: rgbFull, output: (512, 358)),
        PlanCase(
            label: "portrait: height clamped", image: TestImages.portrait, maxSize: 512, resolution: 2,
            source: (0, 0, 700, 1000), full: (0, 0, 700, 1000), output: (358, 512)),
        PlanCase(
            label: "landscape WID beyond the limit", image: rgb, width: 3000, maxSize: 1500, resolution: 2,
            source: rgbFull, full: rgbFull, output: (1500, 1050)),
        PlanCase(
            label: "portrait HEI beyond the limit", image: TestImages.portrait, height: 2000, maxSize: 1200,
            resolution: 2, source: (0, 0, 700, 1000), full: (0, 0, 700, 1000), output: (840, 1200)),
        PlanCase(
            label: "square region", image: rgb, region: rgn(0, 0, 0.7, 1), maxSize: 300, resolution: 1,
            source: (0, 0, 350, 350), full: (0, 0, 700, 700), output: (300, 300)),
        PlanCase(
            label: "one below the longer side", image: rgb, maxSize: 999, resolution: 2, source: rgbFull,
            full: rgbFull, output: (999, 699)),
        PlanCase(
            label: "equal to the longer side: untouched", image: rgb, maxSize: 1000, resolution: 2,
            source: rgbFull, full: rgbFull, output: (1000, 700)),
        PlanCase(
            label: "larger than the output: untouched", image: rgb, maxSize: 2000, resolution: 2, source: rgbFull,
            full: rgbFull, output: (1000, 700)),
        PlanCase(
            label: "zero means no limit", image: rgb, width: 3000, maxSize: 0, resolution: 2, source: rgbFull,
            full: rgbFull, output: (3000, 2100)),
        PlanCase(
            label: "nil means no limit", image: rgb, width: 3000, maxSize: nil, resolution: 2, source: rgbFull,
            full: rgbFull, output: (3000, 2100)),
        PlanCase(
            label: "after the upscaling cap", image: rgb, width: 3000, maxSize: 800, allowUpscaling: false,
            resolution: 2, source: rgbFull, full: rgbFull, output: (800, 560)),
        PlanCase(
            label: "the short side may round to 0 and becomes 1", image: rgb, region: rgn(0, 0, 1, 0.001),
            maxSize: 100, resolution: 0, source: (0, 0, 250, 1), full: (0, 0, 1000, 1), output: (100, 1)),
    ]

    @Test("MAX_CVT clamps the longer side and keeps the aspect ratio", arguments: maxCVT)
    func maxSize(_ testCase: PlanCase) {
        #expect(testCase.plan() == testCase.expected)
    }

    static let tiny: [PlanCase] = [
        PlanCase(
            label: "one-pixel-high strip, WID", image: rgb, region: rgn(0, 0, 1, 0.001), width: 100, resolution: 0,
            source: (0, 0, 250, 1), full: (0, 0, 1000, 1), output: (100, 1)),
        PlanCase(
            label: "one-pixel-wide strip, HEI", image: rgb, region: rgn(0, 0, 0.001, 1), height: 70, resolution: 0,
            source: (0, 0, 1, 175), full: (0, 0, 1, 700), output: (1, 70)),
        PlanCase(
            label: "region starting at the bottom-right corner", image: rgb, region: rgn(1, 1, 0.5, 0.5),
            resolution: 0, source: (249, 174, 1, 1), full: (999, 699, 1, 1), output: (1, 1)),
        PlanCase(
            label: "zero-sized region", image: rgb, region: rgn(0.5, 0.5, 0, 0), resolution: 0,
            source: (125, 88, 1, 1), full: (500, 350, 1, 1), output: (1, 1)),
    ]

    @Test("Regions and sizes are at least one pixel", arguments: tiny)
    func atLeastOnePixel(_ testCase: PlanCase) {
        #expect(testCase.plan() == testCase.expected)
    }
}

// iipsrv-reference §5.2 (with the project's level rule: the smallest level that holds the output)
@Suite("CVT planning: level choice and edges")
struct RegionExportLevelTests {
    static let levels: [PlanCase] = [
        PlanCase(
            label: "WID=64", image: odd, width: 64, resolution: 0, source: (0, 0, 64, 43), full: oddFull,
            output: (64, 43)),
        PlanCase(
            label: "WID=65", image: odd, width: 65, resolution: 1, source: (0, 0, 127, 85), full: oddFull,
            output: (65, 43)),
        PlanCase(
            label: "WID=127", image: odd, width: 127, resolution: 1, source: (0, 0, 127, 85), full: oddFull,
            output: (127, 85)),
        PlanCase(
            label: "WID=128", image: odd, width: 128, resolution: 2, source: (0, 0, 254, 170), full: oddFull,
            output: (128, 86)),
        PlanCase(
            label: "WID=507", image: odd, width: 507, resolution: 3, source: (0, 0, 507, 339), full: oddFull,
            output: (507, 339)),
        PlanCase(
            label: "WID=508", image: odd, width: 508, resolution: 4, source: oddFull, full: oddFull,
            output: (508, 340)),
        PlanCase(
            label: "HEI=43", image: odd, height: 43, resolution: 0, source: (0, 0, 64, 43), full: oddFull,
            output: (64, 43)),
        PlanCase(
            label: "HEI=44", image: odd, height: 44, resolution: 1, source: (0, 0, 127, 85), full: oddFull,
            output: (66, 44)),
        PlanCase(
            label: "HEI=170", image: odd, height: 170, resolution: 2, source: (0, 0, 254, 170),
            full: oddFull, output: (254, 170)),
        PlanCase(
            label: "HEI=171", image: odd, height: 171, resolution: 3, source: (0, 0, 507, 339),
            full: oddFull, output: (256, 171)),
        PlanCase(
            label: "WID=1013", image: odd, width: 1013, resolution: 4, source: oddFull, full: oddFull,
            output: (1013, 677)),
        PlanCase(
            label: "WID=2000: full resolution", image: odd, width: 2000, resolution: 4, source: oddFull,
            full: oddFull, output: (2000, 1337)),
        PlanCase(label: "neither", image: odd, resolution: 4, source: oddFull, full: oddFull, output: (1013, 677)),
        PlanCase(
            label: "region, WID=76: level 2 holds 77x68", image: odd, region: rgn(0.1, 0.2, 0.3, 0.4), width: 76,
            resolution: 2, source: (25, 34, 77, 68), full: (101, 135, 304, 271), output: (76, 68)),
        PlanCase(
            label: "region, HEI=69: level 2 is wide enough but one row short", image: odd,
            region: rgn(0.1, 0.2, 0.3, 0.4), height: 69, resolution: 3, source: (51, 68, 152, 135),
            full: (101, 135, 304, 271), output: (77, 69)),
        PlanCase(
            label: "region, neither", image: odd, region: rgn(0.1, 0.2, 0.3, 0.4), resolution: 4,
            source: (101, 135, 304, 271), full: (101, 135, 304, 271), output: (304, 271)),
    ]

    @Test(
        "The smallest level whose scaled region holds the output in both axes (5 odd-sized levels)",
        arguments: levels)
    func level(_ testCase: PlanCase) {
        #expect(testCase.plan() == testCase.expected)
    }

    static let edgeOrigins: [Double] = [0.001, 0.1, 0.2, 0.25, 0.3, 1.0 / 3, 0.37, 0.5, 0.6, 0.7, 0.77, 0.9, 0.999]

    @Test(
        "A region reaching the right/bottom edge of 1013x677 ends on the edge at every level",
        arguments: edgeOrigins)
    func edgeRounding(origin: Double) {
        let plan = RegionExportPlanner.plan(
            image: odd, region: rgn(origin, origin, 1 - origin, 1 - origin), width: 0, height: 0, maxSize: nil,
            allowUpscaling: true)
        let x = Int((origin * 1013).rounded())
        let y = Int((origin * 677).rounded())
        #expect(plan.fullRect == PixelRect(x: x, y: y, width: 1013 - x, height: 677 - y))
        let chosen = odd.levels[plan.resolution]
        #expect(plan.sourceRect.maxX == chosen.width)
        #expect(plan.sourceRect.maxY == chosen.height)
        for level in odd.levels {
            let scaled = RegionExportPlanner.scaled(plan.fullRect, to: level, fullWidth: 1013, fullHeight: 677)
            #expect(scaled.maxX == level.width)
            #expect(scaled.maxY == level.height)
        }
    }

    @Test("Exact full-resolution rectangles for odd sizes")
    func oddRectangles() {
        func full(_ region: NormalizedRegion) -> PixelRect {
            RegionExportPlanner.plan(
                image: odd, region: region, width: 0, height: 0, maxSize: nil, allowUpscaling: true
            ).fullRect
        }
        #expect(full(rgn(0.5, 0.5, 0.5, 0.5)) == PixelRect(x: 507, y: 339, width: 506, height: 338))
        #expect(full(rgn(0.3, 0.3, 0.7, 0.7)) == PixelRect(x: 304, y: 203, width: 709, height: 474))
        #expect(full(rgn(0.7, 0.7, 0.3, 0.3)) == PixelRect(x: 709, y: 474, width: 304, height: 203))
        #expect(full(rgn(0.5, 0.5, 0.7, 0.7)) == PixelRect(x: 507, y: 339, width: 506, height: 338))
        #expect(full(.full) == PixelRect(x: 0, y: 0, width: 1013, height: 677))
    }

    static let scaledCases: [((Int, Int, Int, Int), PyramidLevel, Int, Int, (Int, Int, Int, Int))] = [
        (rgbFull, rgb.levels[0], 1000, 700, (0, 0, 250, 175)),
        ((999, 699, 1, 1), rgb.levels[0], 1000, 700, (249, 174, 1, 1)),
        ((100, 100, 1, 1), rgb.levels[0], 1000, 700, (25, 25, 1, 1)),
        ((250, 175, 500, 350), rgb.levels[1], 1000, 700, (125, 88, 250, 175)),
        ((123, 45, 67, 89), rgb.levels[2], 1000, 700, (123, 45, 67, 89)),
        ((507, 339, 506, 338), odd.levels[0], 1013, 677, (32, 22, 32, 21)),
        ((1012, 676, 1, 1), odd.levels[0], 1013, 677, (63, 42, 1, 1)),
        ((101, 135, 304, 271), odd.levels[3], 1013, 677, (51, 68, 152, 135)),
    ]

    @Test(
        "scaled maps a full-resolution rectangle into a level, at least one pixel, inside it",
        arguments: scaledCases.indices)
    func scaled(index: Int) {
        let (source, level, fullWidth, fullHeight, expected) = Self.scaledCases[index]
        let result = RegionExportPlanner.scaled(rect(source), to: level, fullWidth: fullWidth, fullHeight: fullHeight)
        #expect(result == rect(expected))
    }

    @Test("The plan stores what it is given")
    func planInit() {
        let plan = RegionExportPlan(
            resolution: 3, sourceRect: rect((1, 2, 3, 4)), fullRect: rect((5, 6, 7, 8)), outputWidth: 9,
            outputHeight: 10)
        #expect(plan.resolution == 3)
        #expect(plan.sourceRect == PixelRect(x: 1, y: 2, width: 3, height: 4))
        #expect(plan.fullRect == PixelRect(x: 5, y: 6, width: 7, height: 8))
        #expect(plan.outputWidth == 9)
        #expect(plan.outputHeight == 10)
    }
}
