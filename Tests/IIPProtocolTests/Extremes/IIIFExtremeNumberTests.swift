import IIPModel
import IIPProtocol
import Testing

/// Issue 8 for IIIF: extreme numbers in the region, size and rotation segments are 400 (or 501), never a trap,
/// through the parser, the planner, the canonical URI, the tile match and the region export that follows.
@Suite("Extreme numbers: IIIF")
struct IIIFExtremeNumberTests {
    static let templates: [(String, [String])] = [
        ("{},{},{},{}/max/0/default.jpg", ["0", "0", "100", "100"]),
        ("pct:{},{},{},{}/max/0/default.jpg", ["0", "0", "50", "50"]),
        ("full/{},/0/default.jpg", ["100"]),
        ("full/,{}/0/default.jpg", ["100"]),
        ("full/{},{}/0/default.jpg", ["100", "100"]),
        ("full/!{},{}/0/default.jpg", ["100", "100"]),
        ("full/^{},{}/0/default.jpg", ["100", "100"]),
        ("full/^!{},{}/0/default.jpg", ["100", "100"]),
        ("full/^{},/0/default.jpg", ["2000"]),
        ("full/pct:{}/0/default.jpg", ["50"]),
        ("full/^pct:{}/0/default.jpg", ["150"]),
        ("full/max/{}/default.jpg", ["90"]),
        ("full/max/!{}/gray.png", ["180"]),
        ("square/{},/{}/default.jpg", ["100", "270"]),
        ("{},{},{},{}/{},{}/{}/default.jpg", ["0", "0", "100", "100", "50", "50", "90"]),
        ("pct:{},{},{},{}/^!{},{}/!{}/default.png", ["10", "10", "50", "50", "50", "50", "90"]),
    ]

    /// Server limits: none, iipsrv's MAX_CVT default, an area limit, no upscaling, arbitrary rotation.
    static let limits: [IIIFLimits] = [
        IIIFLimits(),
        IIIFLimits(maxWidth: 5000),
        IIIFLimits(maxArea: 1_000_000, allowArbitraryRotation: true),
        IIIFLimits(maxWidth: .max, maxHeight: .max, maxArea: .max, allowUpscaling: false),
        IIIFLimits(maxWidth: 1, maxHeight: 1, maxArea: 1, allowUpscaling: false),
    ]

    @Test("every number, alone and in pairs, in every segment: a plan or a IIIF error", arguments: templates)
    func noTrap(template: String, defaults: [String]) {
        let parser = IIIFRequestParser(formats: Set(OutputFormat.allCases), extensions: true)
        var planned = 0
        for path in ExtremeValues.fillings(template, defaults: defaults) {
            for version in IIIFVersion.allCases {
                let request: IIIFImageRequest
                do {
                    guard case .image(_, let image) = try parser.parse("id/" + path, version: version) else {
                        Issue.record("\(path) is not an image request")
                        continue
                    }
                    request = image
                } catch {
                    #expect(error.status == 400, "\(path): \(error)")
                    continue
                }
                Self.checkParsed(request, path: path)
                planned += Self.planEverywhere(request, version: version, label: path)
            }
        }
        #expect(planned > 0, "no filling of \(template) was planned")
    }

    /// Regions built directly, bypassing the parser.
    @Test("pixel and percent regions with any Int or Double: a plan or a IIIF error")
    func directRegions() {
        let integers = ExtremeValues.integers
        var regions: [IIIFRegion] = []
        for a in integers {
            for b in integers {
                regions += [
                    .pixels(x: a, y: 0, width: b, height: 100), .pixels(x: 0, y: a, width: 100, height: b),
                    .pixels(x: a, y: b, width: 100, height: 100), .pixels(x: 0, y: 0, width: a, height: b),
                ]
            }
        }
        for a in ExtremeValues.doubles {
            for b in ExtremeValues.doubles {
                regions += [
                    .percent(x: a, y: 0, width: b, height: 50), .percent(x: 0, y: a, width: 50, height: b),
                    .percent(x: a, y: b, width: 50, height: 50), .percent(x: 0, y: 0, width: a, height: b),
                ]
            }
        }
        for region in regions {
            let request = IIIFImageRequest(region: region, size: IIIFSize(.max))
            _ = Self.planEverywhere(request, version: .v3, label: "\(region)")
        }
    }

    /// Sizes and rotations built directly, bypassing the parser.
    @Test("sizes with any Int or Double and rotations with any Double: a plan or a IIIF error")
    func directSizesAndRotations() {
        var sizes: [IIIFSize.Kind] = []
        for a in ExtremeValues.integers {
            sizes += [.width(a), .height(a)]
            for b in ExtremeValues.integers {
                sizes += [.exact(width: a, height: b), .confined(width: a, height: b)]
            }
        }
        sizes += ExtremeValues.doubles.map { .percent($0) }
        for kind in sizes {
            for upscaling in [false, true] {
                let request = IIIFImageRequest(size: IIIFSize(kind, upscaling: upscaling))
                _ = Self.planEverywhere(request, version: .v3, label: "\(kind)")
                _ = Self.planEverywhere(request, version: .v2, label: "\(kind)")
            }
        }
        for degrees in ExtremeValues.doubles {
            for mirrored in [false, true] {
                let request = IIIFImageRequest(rotation: IIIFRotation(degrees: degrees, mirrored: mirrored))
                _ = Self.planEverywhere(request, version: .v3, label: "rotation \(degrees)")
            }
        }
    }

    @Test("outputSize with any region size and any requested size")
    func outputSizes() {
        let integers = ExtremeValues.integers
        for regionWidth in integers {
            for regionHeight in integers {
                for requested in integers {
                    let kinds: [IIIFSize.Kind] = [
                        .max, .width(requested), .height(requested), .exact(width: requested, height: 100),
                        .confined(width: requested, height: requested), .percent(Double(requested)),
                    ]
                    for kind in kinds {
                        for limits in Self.limits {
                            _ = try? IIIFImagePlanner.outputSize(
                                IIIFSize(kind, upscaling: true), regionWidth: regionWidth, regionHeight: regionHeight,
                                version: .v3, limits: limits)
                        }
                    }
                }
            }
        }
    }

    @Test("info.json for every image and limit")
    func info() {
        let settings: [IIIFInfoSettings] = [
            IIIFInfoSettings(), IIIFInfoSettings(maxWidth: 5000, maxArea: .max),
            IIIFInfoSettings(maxWidth: .max, maxHeight: .min, maxArea: -1), IIIFInfoSettings(maxWidth: 1, maxArea: 1),
        ]
        for (name, image) in ExtremeValues.allImages {
            for setting in settings {
                for version in IIIFVersion.allCases {
                    #expect(
                        !IIIFInfo.json(version: version, image: image, id: "id", settings: setting).isEmpty, "\(name)")
                }
            }
            for tiles in IIIFInfo.tiles(of: image) {
                #expect(tiles.scaleFactors.allSatisfy { $0 >= 1 }, "\(name)")
            }
        }
    }

    @Test("decimalText of any Double")
    func decimalText() {
        for value in ExtremeValues.doubles {
            var plan = IIIFImagePlan(
                region: PixelRect(x: 0, y: 0, width: 1, height: 1), width: 1, height: 1, isFullRegion: true,
                isMaximumSize: true, isUpscaled: false)
            plan.rotation = Rotation(degrees: value)
            #expect(!plan.canonical(version: .v3).isEmpty)
        }
        #expect(
            IIIFImagePlan(
                region: PixelRect(x: 0, y: 0, width: 1, height: 1), width: 1, height: 1,
                rotation: Rotation(degrees: 22.5),
                isFullRegion: true, isMaximumSize: true, isUpscaled: false
            ).canonical(version: .v3) == "full/max/22.5/default.jpg")
    }

    static let rejected: [String] = [
        "2147483648,0,1,1/max/0/default.jpg", "0,0,99999999999999999999,1/max/0/default.jpg",
        "pct:0,0,1e308,1/max/0/default.jpg", "pct:nan,0,1,1/max/0/default.jpg", "full/2147483648,/0/default.jpg",
        "full/0x10,/0/default.jpg", "full/-1,/0/default.jpg", "full/pct:inf/0/default.jpg",
        "full/^pct:\(String(repeating: "9", count: 400))/0/default.jpg", "full/max/1e308/default.jpg",
        "full/max/nan/default.jpg", "full/max/361/default.jpg", "full/max/-0/default.jpg",
        "full/max/\(String(repeating: "9", count: 400))/default.jpg", "full/,0/0/default.jpg",
    ]

    @Test("extreme numbers are 400 on a reference image", arguments: rejected)
    func badRequest(path: String) {
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in
                _ = try IIIFFixtures.plan(path, width: 1000, height: 700)
            } == 400)
    }

    @Test("w, on a one-pixel-wide region of a 2^31-1 high image: 400, not a height beyond 2^31-1")
    func tallRegion() {
        let side = ExtremeValues.side
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in
                _ = try IIIFFixtures.plan("0,0,1,\(side)/^\(side),/0/default.jpg", width: side, height: side)
            } == 400)
    }

    // MARK: - Helpers

    /// The parser's promises: integers within 32 bits, finite decimals, rotation within 0...360.
    static func checkParsed(_ request: IIIFImageRequest, path: String) {
        let limit = IIIFRequestParser.integerLimit
        switch request.region {
        case .pixels(let x, let y, let width, let height):
            #expect([x, y, width, height].allSatisfy { $0 >= 0 && $0 <= limit }, "\(path)")
        case .percent(let x, let y, let width, let height):
            #expect([x, y, width, height].allSatisfy { $0.isFinite && $0 >= 0 }, "\(path)")
        case .full, .square: break
        }
        switch request.size.kind {
        case .width(let size), .height(let size): #expect(size >= 1 && size <= limit, "\(path)")
        case .exact(let width, let height), .confined(let width, let height):
            #expect(width >= 1 && width <= limit && height >= 1 && height <= limit, "\(path)")
        case .percent(let percent): #expect(percent.isFinite && percent > 0, "\(path)")
        case .max: break
        }
        #expect(request.rotation.degrees >= 0 && request.rotation.degrees <= 360, "\(path)")
    }

    /// Plans `request` on every image with every limit; a plan is checked and followed through the tile match and
    /// the region export, as the IIIF Plan stage does. Returns the number of plans made.
    static func planEverywhere(_ request: IIIFImageRequest, version: IIIFVersion, label: String) -> Int {
        var planned = 0
        for (name, image) in ExtremeValues.allImages {
            for limit in limits {
                let plan: IIIFImagePlan
                do {
                    plan = try IIIFImagePlanner.plan(
                        request, imageWidth: image.width, imageHeight: image.height, version: version, limits: limit)
                } catch {
                    #expect(error.status == 400 || error.status == 501, "\(label) on \(name): \(error)")
                    continue
                }
                planned += 1
                let side = IIIFRequestParser.integerLimit
                #expect(plan.width >= 1 && plan.width <= side && plan.height >= 1 && plan.height <= side, "\(label)")
                #expect(plan.region.x >= 0 && plan.region.y >= 0, "\(label) on \(name)")
                #expect(plan.region.width >= 1 && plan.region.height >= 1, "\(label) on \(name)")
                #expect(plan.region.maxX <= image.width && plan.region.maxY <= image.height, "\(label) on \(name)")
                #expect(plan.rotation.degrees.isFinite, "\(label)")
                _ = plan.canonicalLink(id: "https://example.org/iiif/id", version: version)
                _ = plan.rotatedSize
                if let match = IIIFTileMatch.match(plan, in: image) {
                    #expect(image.levels[match.resolution].tileRect(match.tile) != nil, "\(label) on \(name)")
                }
                let export = RegionExportPlanner.plan(
                    image: image, fullRect: plan.region, outputWidth: plan.width, outputHeight: plan.height)
                if export.resolution >= 0, export.resolution < image.resolutionCount {
                    let level = image.levels[export.resolution]
                    #expect(export.sourceRect.maxX <= level.width, "\(label) on \(name)")
                }
            }
        }
        return planned
    }
}
