import Foundation
import IIPImaging
import IIPModel
import IIPProtocol
import Testing

/// Issue 8: no number in an IIP request may trap, in the parser or in what the pipeline does with the result.
///
/// Each template is filled with every extreme number in each slot, and every pair of them in each pair of slots. A
/// filling must parse to commands whose values obey the parser's rules, or be reported as malformed (the IIP `2 1`
/// error); the commands are then run through the planners the way the Plan stage runs them, on every test image.
@Suite("Extreme numbers: IIP commands")
struct IIPExtremeNumberTests {
    static let templates: [(String, [String])] = [
        ("QLT={}", ["90"]),
        ("QLT=lzw:{}", ["1"]),
        ("SDS={}", ["0"]),
        ("SDS={},{}", ["0", "90"]),
        ("MINMAX={}:{},{}", ["1", "0", "255"]),
        ("MINMAX=-:{},{}", ["0", "1"]),
        ("CNT={}", ["1.5"]),
        ("GAM={}", ["2"]),
        ("WID={}", ["100"]),
        ("HEI={}", ["100"]),
        ("RGN={},{},{},{}", ["0", "0", "1", "1"]),
        ("ROT={}", ["90"]),
        ("ROT=!{}", ["90"]),
        ("SHD={},{}", ["45", "30"]),
        ("LYR={}", ["1"]),
        ("CTW=[{},{},{};{},{},{}]", ["1", "0", "0", "0", "1", "0"]),
        ("CNV=[{},{},{},{},{},{},{},{},{}]", ["0", "1", "0", "1", "-4", "1", "0", "1", "0"]),
        ("JTL={},{}", ["2", "0"]),
        ("PTL={},{}", ["1", "1"]),
        ("WTL={},{}", ["0", "0"]),
        ("ATL={},{}", ["2", "11"]),
        ("TTL={},{}", ["2", "3"]),
        ("JTLS={},{},{},{}", ["0", "2", "0", "90"]),
        ("TIL={},{}", ["2", "0"]),
        ("TIL={},{}-{}", ["2", "0", "3"]),
        ("SPECTRA={},{},{},{}", ["2", "0", "10", "10"]),
        ("PFL={}:{},{}-{},{}", ["2", "0", "0", "10", "10"]),
        ("CMP={}", ["jet"]),
        ("COL={}", ["grey"]),
        ("INV={}", ["1"]),
        ("ICC={}", ["1"]),
        ("CVT={}", ["jpeg"]),
        ("OBJ={}", ["max-size"]),
        // Commands together, as a hostile request sends them.
        ("FIF=image.tif&ROT={}&JTL={},{}", ["90", "2", "0"]),
        ("ROT={}&TIL={},{}-{}", ["180", "2", "0", "5"]),
        ("WID={}&HEI={}&RGN={},{},{},{}&CVT=jpeg", ["100", "100", "0", "0", "1", "1"]),
        ("ROT={}&WID={}&OBJ=max-size&OBJ=basic-info&CVT=png", ["90", "100"]),
    ]

    @Test(
        "every number, alone and in pairs, parses to valid commands or to a malformed-argument item",
        arguments: templates)
    func noTrap(template: String, defaults: [String]) {
        let parser = IIPRequestParser()
        let sane = parser.parse(ExtremeValues.fillings(template, defaults: defaults)[0])
        #expect(!sane.contains { if case .malformed = $0 { true } else { false } }, "\(template) with defaults")
        // Many numbers parse to the same commands (every huge RGN value is 1): each distinct request is planned once.
        var planned: Set<[IIPRequestItem]> = []
        for query in ExtremeValues.fillings(template, defaults: defaults) {
            let items = parser.parse(query)
            for item in items {
                guard case .command(let command) = item else { continue }
                #expect(Self.obeysRules(command), "\(query) gave \(command)")
            }
            if planned.insert(items).inserted { IIPPlanRun.run(items) }
        }
    }

    /// The reported crash: `ROT=1e308` used to reach imaging as 1e308 degrees, whose radians are infinite.
    @Test("ROT=1e308&JTL=2,0 (issue 8) gives a small finite angle", arguments: ["1e308", "-1e308", "!1e308", "1e-320"])
    func issue8(angle: String) throws {
        let items = IIPRequestParser().parse("FIF=image.tif&ROT=\(angle)&JTL=2,0")
        guard case .command(.rotation(let rotation)) = items[1] else {
            Issue.record("ROT=\(angle) did not parse: \(items[1])")
            return
        }
        #expect(rotation.degrees >= 0 && rotation.degrees < 360)
        #expect(ArbitraryRotation.boundingSize(width: 256, height: 256, degrees: rotation.degrees).width >= 1)
        IIPPlanRun.run(items)
    }

    static let rejected: [String] = [
        "ROT=nan", "ROT=inf", "ROT=-inf", "ROT=1e309", "ROT=!", "ROT=0x10", "RGN=0,0,inf,1", "RGN=nan,0,1,1",
        "RGN=0,0,1,1e400", "WID=2147483648", "WID=-1", "HEI=99999999999999999999", "HEI=1e3", "JTL=2147483648,0",
        "JTL=0,2147483648", "JTL=-1,0", "JTL=0,9223372036854775807", "JTL=0x10,0", "TIL=0,5-4", "TIL=0,-1",
        "SDS=9223372036854775808", "QLT=-2147483648", "CNT=nan", "GAM=inf", "MINMAX=0:nan,1", "MINMAX=2147483648:0,1",
        "CTW=[inf,0,0]", "CNV=[nan,0,0,0,0,0,0,0,0]", "SHD=2147483648,0", "LYR=1e308",
        "PFL=0:0,0-2147483648,0", "SPECTRA=0,0,0,-1",
    ]

    @Test("non-finite and out-of-range numbers are the malformed-argument error", arguments: rejected)
    func malformed(query: String) {
        let items = IIPRequestParser().parse(query)
        #expect(items.count == 1)
        guard case .malformed = items.first else {
            Issue.record("\(query) gave \(items)")
            return
        }
    }

    /// The parser's promises: finite doubles, integers within 32 bits, sizes and tiles not negative, angles
    /// reduced, region fractions within 0...1, tile ranges in order.
    static func obeysRules(_ command: IIPCommand) -> Bool {
        let limit = IIPRequestParser.integerLimit
        func int(_ value: Int) -> Bool { value >= -limit && value <= limit }
        func natural(_ value: Int) -> Bool { value >= 0 && value <= limit }
        func unit(_ value: Double) -> Bool { value >= 0 && value <= 1 }
        switch command {
        case .quality(let quality, _): return int(quality)
        case .sequence(let x, let y): return int(x) && int(y ?? 0)
        case .minMax(let range):
            return range.minimum.isFinite && range.maximum.isFinite && natural(range.channel ?? 0)
        case .contrast(.factor(let factor)): return factor.isFinite
        case .gamma(.exponent(let exponent)): return exponent.isFinite
        case .width(let size), .height(let size): return natural(size)
        case .region(let region?):
            return unit(region.x) && unit(region.y) && unit(region.width) && unit(region.height)
                && region.width > 0 && region.height > 0
        case .rotation(let rotation): return rotation.degrees >= 0 && rotation.degrees < 360
        case .shade(let light): return int(light.horizontal) && int(light.vertical)
        case .colorTwist(let rows): return rows.allSatisfy { $0.allSatisfy(\.isFinite) }
        case .layers(let layers): return int(layers)
        case .convolution(let kernel): return kernel.coefficients.allSatisfy(\.isFinite)
        case .tile(_, let resolution, let tile): return natural(resolution) && natural(tile)
        case .legacyTile(let x, let resolution, let tile, let y):
            return natural(x) && natural(resolution) && natural(tile) && natural(y)
        case .tiles(let resolution, let first, let last):
            return natural(resolution) && natural(first) && natural(last) && first <= last
        case .spectra(let resolution, let tile, let x, let y):
            return natural(resolution) && natural(tile) && natural(x) && natural(y)
        case .profile(let resolution, let x1, let y1, let x2, let y2):
            return [resolution, x1, y1, x2, y2].allSatisfy(natural)
        default: return true
        }
    }
}

/// What the Plan stage and the imaging code do with parsed IIP commands, reduced to the arithmetic that could trap,
/// on every test image.
enum IIPPlanRun {
    /// MAX_CVT values: none, iipsrv's default, the configuration's extremes.
    static let maxSizes: [Int?] = [nil, 5000, 1, 0, -1, .max]

    /// Runs `items` left to right, as the Plan stage does: a malformed argument ends the request with its 400.
    static func run(_ items: [IIPRequestItem]) {
        var width = 0
        var height = 0
        var region = NormalizedRegion.full
        var rotation = Rotation.none
        for item in items {
            if case .malformed = item { return }
            guard case .command(let command) = item else { continue }
            switch command {
            case .width(let value): width = value
            case .height(let value): height = value
            case .region(let value): region = value ?? region
            case .rotation(let value):
                rotation = value
                _ = ArbitraryRotation.boundingSize(width: 256, height: 256, degrees: value.degrees)
                _ = ArbitraryRotation.boundingSize(
                    width: ExtremeValues.side, height: ExtremeValues.side, degrees: value.degrees)
            case .tile(_, let resolution, let tile), .legacyTile(_, let resolution, let tile, _),
                .spectra(let resolution, let tile, _, _):
                for (_, image) in ExtremeValues.allImages { tilePlan(image, resolution, tile, rotation) }
            case .tiles(let resolution, let first, let last):
                for (_, image) in ExtremeValues.allImages { tileRangePlan(image, resolution, first, last) }
            case .profile(let resolution, _, _, _, _):
                for (_, image) in ExtremeValues.allImages { tilePlan(image, resolution, 0, rotation) }
            case .convert:
                for (_, image) in ExtremeValues.allImages {
                    regionPlan(image, region: region, width: width, height: height)
                }
            case .object(let name):
                guard let object = IIPObject(name: name) else { continue }
                for (_, image) in ExtremeValues.allImages {
                    _ = IIPObjectFormatter.answer(object, image: image, rotation: rotation)
                }
            default: break
            }
        }
    }

    /// A tile request's level lookup, 180-degree index remap and rectangle, through the model's tile grid.
    static func tilePlan(_ image: ImageDescription, _ resolution: Int, _ tile: Int, _ rotation: Rotation) {
        guard resolution >= 0, resolution < image.resolutionCount else { return }
        let level = image.levels[resolution]
        guard tile >= 0, tile < level.tileCount else { return }
        let index = rotation.quarterTurns == 2 ? level.tileCount - 1 - tile : tile
        guard let rect = level.tileRect(index) else {
            Issue.record("tile \(index) of \(level) has no rectangle")
            return
        }
        #expect(rect.x >= 0 && rect.y >= 0 && rect.width >= 1 && rect.height >= 1)
        #expect(rect.maxX <= level.width && rect.maxY <= level.height)
    }

    /// The first and last tiles of a TIL range, through the model's tile grid (the pipeline's range planning is
    /// exercised with the same values through the real server in ExtremeNumberRequestTests).
    static func tileRangePlan(_ image: ImageDescription, _ resolution: Int, _ first: Int, _ last: Int) {
        guard resolution >= 0, resolution < image.resolutionCount else { return }
        let level = image.levels[resolution]
        guard first >= 0, first <= last, last < level.tileCount else { return }
        #expect(level.tileRect(first) != nil)
        #expect(level.tileRect(last) != nil)
    }

    /// The export planner with every MAX_CVT and ALLOW_UPSCALING.
    static func regionPlan(_ image: ImageDescription, region: NormalizedRegion, width: Int, height: Int) {
        for maxSize in maxSizes {
            for allowUpscaling in [true, false] {
                let plan = RegionExportPlanner.plan(
                    image: image, region: region, width: width, height: height, maxSize: maxSize,
                    allowUpscaling: allowUpscaling)
                #expect(plan.outputWidth >= 1 && plan.outputWidth <= RegionExportPlanner.sizeLimit)
                #expect(plan.outputHeight >= 1 && plan.outputHeight <= RegionExportPlanner.sizeLimit)
                guard image.width > 0, image.height > 0, image.levels.allSatisfy({ $0.width > 0 && $0.height > 0 })
                else { continue }
                #expect(plan.resolution >= 0 && plan.resolution < image.resolutionCount)
                let level = image.levels[plan.resolution]
                let source = plan.sourceRect
                #expect(source.x >= 0 && source.y >= 0 && source.width >= 1 && source.height >= 1)
                #expect(source.maxX <= level.width && source.maxY <= level.height)
                #expect(plan.fullRect.maxX <= image.width && plan.fullRect.maxY <= image.height)
            }
        }
    }
}
