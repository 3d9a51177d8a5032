import IIPModel
import IIPProtocol
import Testing

/// One planning case: parameters on an image, and the region and size they must give (or an error status).
struct IIIFPlanCase: Sendable, CustomTestStringConvertible {
    var parameters: String
    var width = 1000
    var height = 700
    var version: IIIFVersion = .v3
    var limits = IIIFLimits()
    /// Expected region (x, y, w, h) and output (w, h), or nil when `status` is expected.
    var region: (Int, Int, Int, Int)?
    var output: (Int, Int)?
    var status = 200

    var testDescription: String { "v\(version.rawValue) \(parameters) on \(width)x\(height)" }

    func check() {
        do {
            let plan = try IIIFFixtures.plan(parameters, width: width, height: height, version: version, limits: limits)
            #expect(status == 200, "expected \(status), got a plan")
            if let region {
                #expect(plan.region == PixelRect(x: region.0, y: region.1, width: region.2, height: region.3))
            }
            if let output {
                #expect(plan.width == output.0)
                #expect(plan.height == output.1)
            }
        } catch {
            #expect(error.status == status, "\(error.message)")
        }
    }
}

// IIIF 3.0 §4.1; iipsrv-reference §4.4 (region, with whole-pixel clipping)
@Suite("IIIF planning: region")
struct IIIFRegionPlanTests {
    static let cases: [IIIFPlanCase] = [
        IIIFPlanCase(parameters: "full/max/0/default.jpg", width: 1013, height: 677, region: (0, 0, 1013, 677)),
        IIIFPlanCase(parameters: "square/max/0/default.jpg", width: 1013, height: 677, region: (168, 0, 677, 677)),
        IIIFPlanCase(parameters: "square/max/0/default.jpg", width: 700, height: 1000, region: (0, 150, 700, 700)),
        IIIFPlanCase(parameters: "square/max/0/default.jpg", region: (150, 0, 700, 700), output: (700, 700)),
        IIIFPlanCase(parameters: "square/max/0/default.jpg", width: 677, height: 1013, region: (0, 168, 677, 677)),
        IIIFPlanCase(parameters: "square/max/0/default.jpg", width: 500, height: 500, region: (0, 0, 500, 500)),
        IIIFPlanCase(parameters: "0,0,256,256/max/0/default.jpg", region: (0, 0, 256, 256), output: (256, 256)),
        // iipsrv master returns 99x99 here (iipsrv-reference §4.4 quirk); whole pixels give 100x100.
        IIIFPlanCase(parameters: "900,600,200,200/max/0/default.jpg", region: (900, 600, 100, 100), output: (100, 100)),
        IIIFPlanCase(
            parameters: "1012,676,10,10/max/0/default.jpg", width: 1013, height: 677, region: (1012, 676, 1, 1)),
        IIIFPlanCase(
            parameters: "768,512,256,256/max/0/default.jpg", width: 1013, height: 677, region: (768, 512, 245, 165)),
        IIIFPlanCase(parameters: "0,0,99999,99999/max/0/default.jpg", region: (0, 0, 1000, 700)),
        IIIFPlanCase(parameters: "1000,0,1,1/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "0,700,1,1/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "5000,5000,10,10/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "0,0,0,10/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "0,0,10,0/max/0/default.jpg", status: 400),
        IIIFPlanCase(
            parameters: "pct:0,0,100,100/max/0/default.jpg", width: 1013, height: 677, region: (0, 0, 1013, 677)),
        IIIFPlanCase(
            parameters: "pct:50,50,50,50/max/0/default.jpg", width: 1013, height: 677, region: (507, 339, 506, 338)),
        IIIFPlanCase(parameters: "pct:10,10,200,200/max/0/default.jpg", region: (100, 70, 900, 630)),
        IIIFPlanCase(parameters: "pct:41.6,7.5,40,70/max/0/default.jpg", region: (416, 53, 400, 490)),
        IIIFPlanCase(parameters: "pct:99.99,0,10,10/max/0/default.jpg", region: (999, 0, 1, 70)),
        IIIFPlanCase(parameters: "pct:0.01,0.01,0.01,0.01/max/0/default.jpg", region: (0, 0, 1, 1)),
        IIIFPlanCase(
            parameters: "pct:0,0,\(String(repeating: "9", count: 300)),10/max/0/default.jpg", region: (0, 0, 1000, 70)),
        IIIFPlanCase(parameters: "pct:100,0,10,10/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "pct:0,100,10,10/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "pct:0,0,0,10/max/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "pct:0,0,10,0/max/0/default.jpg", status: 400),
    ]

    @Test("regions", arguments: cases)
    func region(_ testCase: IIIFPlanCase) { testCase.check() }

    @Test("full region flag")
    func fullFlag() throws {
        #expect(try IIIFFixtures.plan("full/max/0/default.jpg", width: 10, height: 10).isFullRegion)
        #expect(try IIIFFixtures.plan("0,0,10,10/max/0/default.jpg", width: 10, height: 10).isFullRegion)
        #expect(try IIIFFixtures.plan("square/max/0/default.jpg", width: 10, height: 10).isFullRegion)
        #expect(try !IIIFFixtures.plan("square/max/0/default.jpg", width: 11, height: 10).isFullRegion)
    }
}

private let validatorLimits = IIIFLimits(maxWidth: 5000, maxHeight: 5000)

// IIIF 3.0 §4.2; iipsrv-reference §4.4 (size)
@Suite("IIIF planning: size")
struct IIIFSizePlanTests {
    static let v3: [IIIFPlanCase] = [
        IIIFPlanCase(parameters: "full/max/0/default.jpg", output: (1000, 700)),
        IIIFPlanCase(parameters: "full/^max/0/default.jpg", output: (1000, 700)),
        IIIFPlanCase(parameters: "full/500,/0/default.jpg", output: (500, 350)),
        IIIFPlanCase(parameters: "full/,350/0/default.jpg", output: (500, 350)),
        IIIFPlanCase(parameters: "full/pct:50/0/default.jpg", output: (500, 350)),
        IIIFPlanCase(parameters: "full/pct:33.3/0/default.jpg", output: (333, 233)),
        IIIFPlanCase(parameters: "full/300,300/0/default.jpg", output: (300, 300)),
        IIIFPlanCase(parameters: "full/!300,300/0/default.jpg", output: (300, 210)),
        IIIFPlanCase(parameters: "full/!1000,100/0/default.jpg", output: (143, 100)),
        IIIFPlanCase(parameters: "full/!1000,700/0/default.jpg", output: (1000, 700)),
        IIIFPlanCase(parameters: "full/500,/0/default.jpg", width: 1013, height: 677, output: (500, 334)),
        IIIFPlanCase(parameters: "full/,100/0/default.jpg", width: 1013, height: 677, output: (150, 100)),
        IIIFPlanCase(parameters: "full/pct:50/0/default.jpg", width: 1013, height: 677, output: (507, 339)),
        IIIFPlanCase(parameters: "full/!256,256/0/default.jpg", width: 1013, height: 677, output: (256, 171)),
        IIIFPlanCase(parameters: "full/1,/0/default.jpg", output: (1, 1)),
        IIIFPlanCase(parameters: "full/,1/0/default.jpg", output: (1, 1)),
        IIIFPlanCase(parameters: "0,0,1000,1/1,/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "0,0,1,1000/,1/0/default.jpg", width: 1000, height: 1000, status: 400),
        IIIFPlanCase(parameters: "full/pct:0.01/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "full/!1,1000/0/default.jpg", output: (1, 1)),
        IIIFPlanCase(parameters: "full/1001,/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "full/,701/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "full/1000,701/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "full/1001,700/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "0,0,100,100/101,/0/default.jpg", status: 400),
        IIIFPlanCase(parameters: "full/^1001,/0/default.jpg", output: (1001, 701)),
        IIIFPlanCase(parameters: "full/^2000,/0/default.jpg", output: (2000, 1400)),
        IIIFPlanCase(parameters: "full/^500,/0/default.jpg", output: (500, 350)),
        IIIFPlanCase(parameters: "full/^1000,701/0/default.jpg", output: (1000, 701)),
        IIIFPlanCase(parameters: "0,0,100,100/^!300,200/0/default.jpg", output: (200, 200)),
        IIIFPlanCase(
            parameters: "full/^2000,/0/default.jpg", limits: IIIFLimits(allowUpscaling: false), status: 501),
        IIIFPlanCase(
            parameters: "full/^pct:120/0/default.jpg", limits: IIIFLimits(allowUpscaling: false), status: 501),
        IIIFPlanCase(
            parameters: "full/^500,/0/default.jpg", limits: IIIFLimits(allowUpscaling: false), output: (500, 350)),
        IIIFPlanCase(
            parameters: "full/^max/0/default.jpg", limits: IIIFLimits(allowUpscaling: false), output: (1000, 700)),
    ]

    @Test("3.0 sizes", arguments: v3)
    func sizeV3(_ testCase: IIIFPlanCase) { testCase.check() }

    static let limited: [IIIFPlanCase] = [
        IIIFPlanCase(parameters: "full/max/0/default.jpg", limits: IIIFLimits(maxWidth: 500), output: (500, 350)),
        IIIFPlanCase(
            parameters: "full/max/0/default.jpg", width: 700, height: 1000, limits: IIIFLimits(maxWidth: 500),
            output: (350, 500)),
        IIIFPlanCase(
            parameters: "full/max/0/default.jpg", limits: IIIFLimits(maxWidth: 800, maxHeight: 400),
            output: (571, 400)),
        IIIFPlanCase(parameters: "full/max/0/default.jpg", limits: IIIFLimits(maxArea: 100_000), output: (377, 264)),
        IIIFPlanCase(
            parameters: "full/max/0/default.jpg", width: 1013, height: 677, limits: IIIFLimits(maxWidth: 500),
            output: (500, 334)),
        IIIFPlanCase(parameters: "full/^max/0/default.jpg", limits: IIIFLimits(maxWidth: 500), output: (500, 350)),
        IIIFPlanCase(parameters: "full/!800,800/0/default.jpg", limits: IIIFLimits(maxWidth: 500), output: (500, 350)),
        IIIFPlanCase(parameters: "full/600,/0/default.jpg", limits: IIIFLimits(maxWidth: 500), status: 400),
        IIIFPlanCase(
            parameters: "full/,400/0/default.jpg", limits: IIIFLimits(maxWidth: 800, maxHeight: 300), status: 400),
        IIIFPlanCase(parameters: "full/500,/0/default.jpg", limits: IIIFLimits(maxWidth: 500), output: (500, 350)),
        IIIFPlanCase(parameters: "full/pct:50/0/default.jpg", limits: IIIFLimits(maxArea: 100_000), status: 400),
        IIIFPlanCase(parameters: "full/^6000,/0/default.jpg", limits: validatorLimits, status: 400),
        IIIFPlanCase(parameters: "full/^5000,/0/default.jpg", limits: validatorLimits, output: (5000, 3500)),
        IIIFPlanCase(parameters: "full/^6000,6000/0/default.jpg", limits: validatorLimits, status: 400),
        IIIFPlanCase(parameters: "full/^!6000,6000/0/default.jpg", limits: validatorLimits, output: (5000, 3500)),
        IIIFPlanCase(parameters: "full/max/0/default.jpg", limits: IIIFLimits(maxWidth: -1), output: (1000, 700)),
        IIIFPlanCase(
            parameters: "full/full/0/default.jpg", version: .v2, limits: IIIFLimits(maxWidth: 500), output: (500, 350)),
        IIIFPlanCase(
            parameters: "full/max/0/default.jpg", version: .v2, limits: IIIFLimits(maxWidth: 500), output: (500, 350)),
        IIIFPlanCase(
            parameters: "full/!800,800/0/default.jpg", version: .v2, limits: IIIFLimits(maxWidth: 500),
            output: (500, 350)),
        IIIFPlanCase(
            parameters: "full/600,/0/default.jpg", version: .v2, limits: IIIFLimits(maxWidth: 500), status: 400),
        IIIFPlanCase(
            parameters: "full/6000,/0/default.jpg", version: .v2, limits: validatorLimits, status: 400),
    ]

    @Test("limits: max, full and !w,h shrink; other sizes over a limit are 400", arguments: limited)
    func limits(_ testCase: IIIFPlanCase) { testCase.check() }

    static let v2: [IIIFPlanCase] = [
        IIIFPlanCase(parameters: "full/full/0/default.jpg", version: .v2, output: (1000, 700)),
        IIIFPlanCase(parameters: "full/500,/0/default.jpg", version: .v2, output: (500, 350)),
        IIIFPlanCase(parameters: "full/2000,/0/default.jpg", version: .v2, output: (2000, 1400)),
        IIIFPlanCase(parameters: "full/pct:150/0/default.jpg", version: .v2, output: (1500, 1050)),
        IIIFPlanCase(
            parameters: "full/pct:\(String(repeating: "9", count: 300))/0/default.jpg", version: .v2, status: 400),
        IIIFPlanCase(parameters: "full/pct:999999999/0/default.jpg", version: .v2, status: 400),
        IIIFPlanCase(
            parameters: "full/pct:99999999/0/default.jpg", version: .v2, output: (999_999_990, 699_999_993)),
        IIIFPlanCase(parameters: "full/!2000,3000/0/default.jpg", version: .v2, output: (2000, 1400)),
        IIIFPlanCase(
            parameters: "full/2000,/0/default.jpg", version: .v2, limits: IIIFLimits(allowUpscaling: false),
            output: (1000, 700)),
        IIIFPlanCase(
            parameters: "full/pct:150/0/default.jpg", version: .v2, limits: IIIFLimits(allowUpscaling: false),
            output: (1000, 700)),
        IIIFPlanCase(
            parameters: "full/2000,100/0/default.jpg", version: .v2, limits: IIIFLimits(allowUpscaling: false),
            output: (1000, 50)),
        IIIFPlanCase(
            parameters: "full/!2000,3000/0/default.jpg", version: .v2, limits: IIIFLimits(allowUpscaling: false),
            output: (1000, 700)),
        IIIFPlanCase(
            parameters: "full/500,/0/default.jpg", version: .v2, limits: IIIFLimits(allowUpscaling: false),
            output: (500, 350)),
    ]

    @Test("2.1 sizes: implicit upscaling, capped when disallowed", arguments: v2)
    func sizeV2(_ testCase: IIIFPlanCase) { testCase.check() }

    // iiif-and-clients §3.1: the validator's size_noup on its 1000x1000 image
    static let noUp: [String] =
        [1100, 1555, 2000].flatMap { s in
            ["full/\(s),\(s)/0/default.jpg", "full/,\(s)/0/default.jpg", "full/\(s),/0/default.jpg"]
        } + ["full/pct:200/0/default.jpg", "full/!2000,3000/0/default.jpg"]

    @Test("validator size_noup: upscaling without ^ is 400", arguments: noUp)
    func sizeNoUp(_ parameters: String) {
        IIIFPlanCase(parameters: parameters, width: 1000, height: 1000, limits: validatorLimits, status: 400).check()
    }

    // iiif-and-clients §3.1: the validator's size_up on its 1000x1000 image, maxWidth/maxHeight 5000
    static let up: [(String, Int, Int)] = [
        ("^1500,1500", 1500, 1500), ("^,1500", 1500, 1500), ("^1500,", 1500, 1500), ("^2000,2000", 2000, 2000),
        ("^max", 1000, 1000), ("^pct:200", 2000, 2000), ("^!2000,500", 500, 500), ("^!2000,3000", 2000, 2000),
    ]

    @Test("validator size_up: ^ sizes", arguments: up)
    func sizeUp(_ size: String, _ width: Int, _ height: Int) {
        IIIFPlanCase(
            parameters: "full/\(size)/0/default.jpg", width: 1000, height: 1000, limits: validatorLimits,
            output: (width, height)
        ).check()
    }
}

// IIIF 3.0 §4.3; iipsrv-reference §4.4 (rotation)
@Suite("IIIF planning: rotation")
struct IIIFRotationPlanTests {
    @Test("quarter turns, mirroring and the rotated size")
    func quarterTurns() throws {
        let plan = try IIIFFixtures.plan("full/500,/90/default.jpg", width: 1000, height: 700)
        #expect(plan.rotation == Rotation(degrees: 90))
        #expect(plan.width == 500 && plan.height == 350)
        #expect(plan.rotatedSize == (350, 500))
        let mirrored = try IIIFFixtures.plan("full/max/!180/default.jpg", width: 1000, height: 700)
        #expect(mirrored.rotation == Rotation(degrees: 180, mirrored: true))
        #expect(mirrored.rotatedSize == (1000, 700))
        #expect(try IIIFFixtures.plan("full/max/360/default.jpg", width: 10, height: 10).rotation.isIdentity)
    }

    @Test("other angles are 400 unless arbitrary rotation is enabled")
    func arbitrary() throws {
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in
                _ = try IIIFFixtures.plan("full/max/22.5/default.jpg", width: 10, height: 10)
            } == 400)
        let plan = try IIIFFixtures.plan(
            "full/max/22.5/default.png", width: 10, height: 10, limits: IIIFLimits(allowArbitraryRotation: true))
        #expect(plan.rotation.degrees == 22.5)
        #expect(plan.format == .png)
    }

    @Test("empty image is 400")
    func emptyImage() {
        #expect(
            IIIFFixtures.status { () throws(ProtocolError) in
                _ = try IIIFFixtures.plan("full/max/0/default.jpg", width: 0, height: 10)
            } == 400)
    }
}

// IIIF 3.0 §4.8, 2.1 §4.7
@Suite("IIIF canonical form")
struct IIIFCanonicalTests {
    static let cases: [(String, IIIFVersion, Int, Int, String)] = [
        ("full/max/0/default.jpg", .v3, 1000, 700, "full/max/0/default.jpg"),
        ("full/1000,700/0/default.jpg", .v3, 1000, 700, "full/max/0/default.jpg"),
        ("pct:0,0,100,100/max/0/default.jpg", .v3, 1000, 700, "full/max/0/default.jpg"),
        ("full/500,/0/default.jpg", .v3, 1000, 700, "full/500,350/0/default.jpg"),
        ("full/500,/0/default.jpg", .v2, 1000, 700, "full/500,/0/default.jpg"),
        ("full/full/0/native.jpg", .v2, 1000, 700, "full/full/0/default.jpg"),
        ("full/300,300/0/default.jpg", .v2, 1000, 700, "full/300,300/0/default.jpg"),
        ("full/300,300/0/default.jpg", .v3, 1000, 700, "full/300,300/0/default.jpg"),
        ("square/!100,100/!90/gray.png", .v3, 1000, 700, "150,0,700,700/100,100/!90/gray.png"),
        ("0,0,256,256/256,256/0/default.jpg", .v3, 1013, 677, "0,0,256,256/max/0/default.jpg"),
        ("768,512,256,256/245,165/0/color.jpg", .v3, 1013, 677, "768,512,245,165/max/0/color.jpg"),
        ("512,0,512,512/256,256/0/default.jpg", .v3, 1013, 677, "512,0,501,512/256,256/0/default.jpg"),
        ("512,0,512,512/251,/0/default.jpg", .v2, 1013, 677, "512,0,501,512/251,/0/default.jpg"),
        ("pct:50,50,50,50/pct:50/180/bitonal.jpg", .v3, 1013, 677, "507,339,506,338/253,169/180/bitonal.jpg"),
        ("full/^pct:200/0/default.jpg", .v3, 1000, 1000, "full/^2000,2000/0/default.jpg"),
        ("full/2000,/0/default.jpg", .v2, 1000, 700, "full/2000,/0/default.jpg"),
    ]

    @Test("canonical parameters", arguments: cases)
    func canonical(_ parameters: String, _ version: IIIFVersion, _ width: Int, _ height: Int, _ expected: String)
        throws
    {
        let plan = try IIIFFixtures.plan(
            parameters, width: width, height: height, version: version, limits: validatorLimits)
        #expect(plan.canonical(version: version) == expected)
    }

    @Test("max limited by maxWidth: max in 3.0, w, in 2.1")
    func limitedMax() throws {
        let limits = IIIFLimits(maxWidth: 500)
        let v3 = try IIIFFixtures.plan("full/max/0/default.jpg", width: 1000, height: 700, limits: limits)
        #expect(v3.canonical(version: .v3) == "full/max/0/default.jpg")
        #expect(v3.isMaximumSize)
        let v2 = try IIIFFixtures.plan(
            "full/full/0/default.jpg", width: 1000, height: 700, version: .v2, limits: limits)
        #expect(v2.canonical(version: .v2) == "full/500,/0/default.jpg")
    }

    @Test("non-integer angles")
    func angles() throws {
        let limits = IIIFLimits(allowArbitraryRotation: true)
        let plan = try IIIFFixtures.plan("full/max/!22.50/default.png", width: 10, height: 10, limits: limits)
        #expect(plan.canonical(version: .v3) == "full/max/!22.5/default.png")
        let third = try IIIFFixtures.plan("full/max/0.3333333/default.png", width: 10, height: 10, limits: limits)
        #expect(third.canonical(version: .v3) == "full/max/0.333333/default.png")
        let small = try IIIFFixtures.plan("full/max/0.05/default.png", width: 10, height: 10, limits: limits)
        #expect(small.canonical(version: .v3) == "full/max/0.05/default.png")
    }

    @Test("Link header value")
    func link() throws {
        let plan = try IIIFFixtures.plan("full/500,/0/default.jpg", width: 1000, height: 700)
        #expect(
            plan.canonicalLink(id: "https://example.org/iiif/a.tif", version: .v3)
                == "<https://example.org/iiif/a.tif/full/500,350/0/default.jpg>;rel=\"canonical\"")
    }
}
