import IIPModel
import IIPProtocol
import Testing

/// Shorthands for the expected values.
private func kernel(_ values: [Double]) -> IIPCommand {
    .convolution(ConvolutionKernel(coefficients: values)!)
}

private func region(_ x: Double, _ y: Double, _ width: Double, _ height: Double) -> IIPCommand {
    .region(NormalizedRegion(x: x, y: y, width: width, height: height))
}

private func minMax(_ channel: Int?, _ minimum: Double, _ maximum: Double) -> IIPCommand {
    .minMax(SampleRange(channel: channel, minimum: minimum, maximum: maximum))
}

private func parseOne(_ query: String) -> [IIPRequestItem] {
    IIPRequestParser().parse(query)
}

/// The item a malformed single-token query must give: the lower-cased name and the raw argument.
private func malformed(_ query: String) -> [IIPRequestItem] {
    let equals = query.firstIndex(of: "=")!
    return [.malformed(name: query[..<equals].lowercased(), argument: String(query[query.index(after: equals)...]))]
}

// iipsrv-reference §2.1
@Suite("IIP request parser: setters")
struct IIPSetterParsingTests {
    static let quality: [(String, IIPCommand)] = [
        ("QLT=90", .quality(90, compression: nil)),
        ("QLT=0", .quality(0, compression: nil)),
        ("QLT=-1", .quality(-1, compression: nil)),
        ("QLT=150", .quality(150, compression: nil)),
        ("QLT=deflate:6", .quality(6, compression: "deflate")),
        ("QLT=LZW:0", .quality(0, compression: "lzw")),
        ("QLT=webp:-1", .quality(-1, compression: "webp")),
        ("QLT=zstd:2147483647", .quality(2_147_483_647, compression: "zstd")),
    ]

    @Test("QLT: q or comp:q", arguments: quality)
    func qlt(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let sequence: [(String, IIPCommand)] = [
        ("SDS=3", .sequence(x: 3, y: nil)),
        ("SDS=0,90", .sequence(x: 0, y: 90)),
        ("SDS=-10,45", .sequence(x: -10, y: 45)),
        ("sds=7,-2147483647", .sequence(x: 7, y: -2_147_483_647)),
    ]

    @Test("SDS: x or x,y", arguments: sequence)
    func sds(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let minMaxCases: [(String, IIPCommand)] = [
        ("MINMAX=0:0,255", minMax(0, 0, 255)),
        ("MINMAX=2:-1.5,3.25", minMax(2, -1.5, 3.25)),
        ("MINMAX=-:0,4095", minMax(nil, 0, 4095)),
        ("MINMAX=1:1e-3,1E3", minMax(1, 0.001, 1000)),
        ("MINMAX=0:0,4294967295", minMax(0, 0, 4_294_967_295)),
    ]

    @Test("MINMAX: c:min,max and -:min,max", arguments: minMaxCases)
    func minmax(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let contrastAndGamma: [(String, IIPCommand)] = [
        ("CNT=1.5", .contrast(.factor(1.5))),
        ("CNT=0", .contrast(.factor(0))),
        ("CNT=-2", .contrast(.factor(-2))),
        ("CNT=.5", .contrast(.factor(0.5))),
        ("CNT=2e1", .contrast(.factor(20))),
        ("CNT=st", .contrast(.stretch)),
        ("CNT=stretch", .contrast(.stretch)),
        ("CNT=ST", .contrast(.stretch)),
        ("CNT=eq", .contrast(.equalization)),
        ("CNT=equalization", .contrast(.equalization)),
        ("CNT=Equalization", .contrast(.equalization)),
        ("GAM=2.2", .gamma(.exponent(2.2))),
        ("GAM=0.5", .gamma(.exponent(0.5))),
        ("GAM=1", .gamma(.exponent(1))),
        ("GAM=log", .gamma(.logarithm)),
        ("GAM=logarithm", .gamma(.logarithm)),
        ("GAM=LOG", .gamma(.logarithm)),
    ]

    @Test("CNT: number, st/stretch, eq/equalization; GAM: number, log/logarithm", arguments: contrastAndGamma)
    func cntGam(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let sizes: [(String, IIPCommand)] = [
        ("WID=100", .width(100)),
        ("WID=0", .width(0)),
        ("WID=2147483647", .width(2_147_483_647)),
        ("HEI=480", .height(480)),
        ("hei=0", .height(0)),
        ("LYR=3", .layers(3)),
        ("LYR=0", .layers(0)),
        ("LYR=-1", .layers(-1)),
    ]

    @Test("WID, HEI (non-negative) and LYR (any integer)", arguments: sizes)
    func widHeiLyr(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let regions: [(String, IIPCommand)] = [
        ("RGN=0.1,0.2,0.3,0.4", region(0.1, 0.2, 0.3, 0.4)),
        ("RGN=0,0,1,1", region(0, 0, 1, 1)),
        ("RGN=-0.5,1.5,2,0.5", region(0, 1, 1, 0.5)),
        ("RGN=99999999999999999999,0,1,1", region(1, 0, 1, 1)),
        ("RGN=1e-3,2.5E-1,0.5,.5", region(0.001, 0.25, 0.5, 0.5)),
        ("RGN=0.5,0.5,0,0.5", .region(nil)),
        ("RGN=0.5,0.5,0.5,0", .region(nil)),
        ("RGN=0.5,0.5,-0.2,0.5", .region(nil)),
        ("RGN=0,0,0,0", .region(nil)),
    ]

    @Test("RGN: four fractions clamped to [0,1]; a zero width or height is ignored", arguments: regions)
    func rgn(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let rotations: [(String, IIPCommand)] = [
        ("ROT=90", .rotation(Rotation(degrees: 90))),
        ("ROT=0", .rotation(Rotation(degrees: 0))),
        ("ROT=270", .rotation(Rotation(degrees: 270))),
        ("ROT=-90", .rotation(Rotation(degrees: 270))),
        ("ROT=450", .rotation(Rotation(degrees: 90))),
        ("ROT=-0", .rotation(Rotation(degrees: 0))),
        ("ROT=!-180", .rotation(Rotation(degrees: 180, mirrored: true))),
        ("ROT=45.5", .rotation(Rotation(degrees: 45.5))),
        ("ROT=!180", .rotation(Rotation(degrees: 180, mirrored: true))),
        ("ROT=!0", .rotation(Rotation(degrees: 0, mirrored: true))),
    ]

    @Test("ROT: angle or !angle, reduced to 0..<360", arguments: rotations)
    func rot(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let colorMaps: [(String, IIPCommand)] = [
        ("CMP=hot", .colorMap(.hot)),
        ("CMP=cold", .colorMap(.cold)),
        ("CMP=jet", .colorMap(.jet)),
        ("CMP=blue", .colorMap(.blue)),
        ("CMP=green", .colorMap(.green)),
        ("CMP=red", .colorMap(.red)),
        ("CMP=HOT", .colorMap(.hot)),
        ("CMP=Jet", .colorMap(.jet)),
        ("CMP=rainbow", .colorMap(nil)),
        ("CMP=none", .colorMap(nil)),
        ("CMP=1", .colorMap(nil)),
    ]

    @Test("CMP: a known name, case-insensitive; anything else switches colour mapping off", arguments: colorMaps)
    func cmp(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let others: [(String, IIPCommand)] = [
        ("INV=1", .invert),
        ("INV=anything", .invert),
        ("SHD=45,30", .shade(LightDirection(horizontal: 45, vertical: 30))),
        ("SHD=-30,0", .shade(LightDirection(horizontal: -30, vertical: 0))),
        ("COL=grey", .colorConversion(.grey)),
        ("COL=gray", .colorConversion(.grey)),
        ("COL=GREY", .colorConversion(.grey)),
        ("COL=binary", .colorConversion(.binary)),
        ("COL=Binary", .colorConversion(.binary)),
        ("ICC=1", .icc),
        ("ICC=anything", .icc),
    ]

    @Test("INV, SHD, COL and ICC", arguments: others)
    func invShdColIcc(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let colorTwists: [(String, IIPCommand)] = [
        ("CTW=[1,0,0;0,1,0;0,0,1]", .colorTwist([[1, 0, 0], [0, 1, 0], [0, 0, 1]])),
        ("CTW=%5B0.5,0.5,0%3B0,0,1%5D", .colorTwist([[0.5, 0.5, 0], [0, 0, 1]])),
        ("CTW=[0.299,0.587,0.114]", .colorTwist([[0.299, 0.587, 0.114]])),
        ("CTW=[1,2,3;4]", .colorTwist([[1, 2, 3], [4]])),
        ("CTW=[1,+0.5;%20-1,%202%20]", .colorTwist([[1, 0.5], [-1, 2]])),
        ("CTW=[1,%2B0.5]", .colorTwist([[1, 0.5]])),
        ("CTW=%5b-1e-1%5d", .colorTwist([[-0.1]])),
    ]

    @Test("CTW: [a,b;c,d] rows, URL-decoded, spaces around values ignored", arguments: colorTwists)
    func ctw(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let convolutions: [(String, IIPCommand)] = [
        ("CNV=sobel", kernel([-1, 0, 1, -2, 0, 2, -1, 0, 1])),
        ("CNV=prewitt", kernel([1, 0, -1, 1, 0, -1, 1, 0, -1])),
        ("CNV=scharr", kernel([-3, 0, 3, -10, 0, 10, -3, 0, 3])),
        ("CNV=laplace", kernel([-1, -1, -1, -1, 8, -1, -1, -1, -1])),
        ("CNV=gaussian", kernel([1, 2, 1, 2, 4, 2, 1, 2, 1])),
        ("CNV=sharpen", kernel([0, -1, 0, -1, 5, -1, 0, -1, 0])),
        ("CNV=emboss", kernel([-2, -1, 0, -1, 1, 1, 0, 1, 2])),
        ("CNV=SOBEL", kernel([-1, 0, 1, -2, 0, 2, -1, 0, 1])),
        ("CNV=%73harpen", kernel([0, -1, 0, -1, 5, -1, 0, -1, 0])),
        ("CNV=[2]", kernel([2])),
        ("CNV=[0,0,0,0,1,0,0,0,0]", kernel([0, 0, 0, 0, 1, 0, 0, 0, 0])),
        ("CNV=%5B1,1,1,1,-8,1,1,1,1%5D", kernel([1, 1, 1, 1, -8, 1, 1, 1, 1])),
        ("CNV=[1,+2,+1,2,4,2,1,2,0.5]", kernel([1, 2, 1, 2, 4, 2, 1, 2, 0.5])),
        (
            "CNV=[" + Array(repeating: "1", count: 25).joined(separator: ",") + "]",
            kernel(Array(repeating: 1, count: 25))
        ),
    ]

    @Test(
        "CNV: named kernels (case-insensitive) or [k1,...] with 1, 9 or 25 values, URL-decoded",
        arguments: convolutions)
    func cnv(query: String, expected: IIPCommand) throws {
        #expect(parseOne(query) == [.command(expected)])
        guard case .command(.convolution(let parsed)) = try #require(parseOne(query).first) else {
            Issue.record("not a convolution")
            return
        }
        #expect(parsed.size * parsed.size == parsed.coefficients.count)
        #expect([1, 3, 5].contains(parsed.size))
    }

    static let fifs: [(String, IIPCommand)] = [
        ("FIF=images/a.tif", .fif("images/a.tif")),
        ("FIF=/data/images/a.tif", .fif("/data/images/a.tif")),
        ("FIF=%2Fdata%2Fimages%2Fa.tif", .fif("/data/images/a.tif")),
        ("FIF=a%20b+c.tif", .fif("a b c.tif")),
        ("FIF=caf%C3%A9.tif", .fif("café.tif")),
        ("FIF=a%00.tif", .fif("a.tif")),
        ("FIF=A.TIF", .fif("A.TIF")),
    ]

    @Test("FIF: URL-decoded path, case kept, absolute paths kept", arguments: fifs)
    func fif(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }
}

// iipsrv-reference §2.2
@Suite("IIP request parser: output commands")
struct IIPOutputParsingTests {
    static let tiles: [(String, IIPCommand)] = [
        ("JTL=0,0", .tile(format: .jpeg, resolution: 0, tile: 0)),
        ("JTL=2,15", .tile(format: .jpeg, resolution: 2, tile: 15)),
        ("PTL=1,3", .tile(format: .png, resolution: 1, tile: 3)),
        ("WTL=1,3", .tile(format: .webp, resolution: 1, tile: 3)),
        ("ATL=1,3", .tile(format: .avif, resolution: 1, tile: 3)),
        ("TTL=5,2147483647", .tile(format: .tiff, resolution: 5, tile: 2_147_483_647)),
        ("JTLS=0,2,5,90", .legacyTile(x: 0, resolution: 2, tile: 5, y: 90)),
        ("JTLS=180,0,0,0", .legacyTile(x: 180, resolution: 0, tile: 0, y: 0)),
        ("TIL=2,5", .tiles(resolution: 2, first: 5, last: 5)),
        ("TIL=2,5-9", .tiles(resolution: 2, first: 5, last: 9)),
        ("TIL=0,3-3", .tiles(resolution: 0, first: 3, last: 3)),
        ("SPECTRA=2,3,10,20", .spectra(resolution: 2, tile: 3, x: 10, y: 20)),
        ("SPECTRA=0,0,0,0", .spectra(resolution: 0, tile: 0, x: 0, y: 0)),
        ("PFL=2:10,20-30,40", .profile(resolution: 2, x1: 10, y1: 20, x2: 30, y2: 40)),
        ("PFL=0:0,0-0,0", .profile(resolution: 0, x1: 0, y1: 0, x2: 0, y2: 0)),
        // One point: iipsrv-reference §3.5.
        ("PFL=2:10,20", .profile(resolution: 2, x1: 10, y1: 20, x2: 10, y2: 20)),
    ]

    @Test("JTL/PTL/WTL/ATL/TTL r,t; JTLS x,r,t,y; TIL r,t[-t2]; SPECTRA r,t,x,y; PFL r:x1,y1-x2,y2", arguments: tiles)
    func tileShapes(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let conversions: [(String, OutputFormat)] = [
        ("jpeg", .jpeg), ("JPEG", .jpeg), ("jpg", .jpeg), ("png", .png), ("PNG", .png), ("webp", .webp),
        ("avif", .avif), ("AVIF", .avif), ("jxl", .jxl), ("JXL", .jxl), ("tiff", .tiff), ("tif", .tiff),
        ("TIFF", .tiff), ("gif", .jpeg), ("bmp", .jpeg), ("png%20", .jpeg), ("jpegxl", .jpeg),
    ]

    @Test("CVT: format lower-cased; unknown formats fall back to JPEG", arguments: conversions)
    func cvt(argument: String, expected: OutputFormat) {
        #expect(parseOne("CVT=\(argument)") == [.command(.convert(expected))])
    }

    static let objects: [(String, IIPCommand)] = [
        ("OBJ=IIP,1.0", .object("iip,1.0")),
        ("OBJ=Max-Size", .object("max-size")),
        ("obj=basic-info", .object("basic-info")),
        ("OBJ=Colorspace%2C0-2", .object("colorspace%2c0-2")),
        ("OBJ=anything-at-all", .object("anything-at-all")),
    ]

    @Test("OBJ: argument lower-cased, not decoded", arguments: objects)
    func obj(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }

    static let frontEnds: [(String, IIPCommand)] = [
        ("Zoomify=images/a.tif/TileGroup0/0-0-0.jpg", .zoomify("images/a.tif/TileGroup0/0-0-0.jpg")),
        ("zoomify=a%20b.tif/ImageProperties.xml", .zoomify("a b.tif/ImageProperties.xml")),
        ("DeepZoom=a.tif.dzi", .deepZoom("a.tif.dzi")),
        ("DEEPZOOM=a%2Bb.tif_files/8/0_0.jpg", .deepZoom("a+b.tif_files/8/0_0.jpg")),
        ("IIIF=a.tif/info.json", .iiif("a.tif/info.json")),
        ("iiif=id%252Fx/full/max/0/default.jpg", .iiif("id%252Fx/full/max/0/default.jpg")),
        ("IIIF=a+b%2Fc/full/max/0/default.jpg", .iiif("a+b%2Fc/full/max/0/default.jpg")),
        ("IIIF=../a.tif/info.json", .iiif("../a.tif/info.json")),
    ]

    @Test("Zoomify and DeepZoom arguments are URL-decoded once; IIIF keeps its raw argument", arguments: frontEnds)
    func frontEnd(query: String, expected: IIPCommand) {
        #expect(parseOne(query) == [.command(expected)])
    }
}

// iipsrv-reference §1.3 (path filtering)
@Suite("IIP request parser: FIF path filtering")
struct FIFPathTests {
    static let paths: [(String, String)] = [
        ("../secret.tif", "secret.tif"),
        ("a/../../b.tif", "a/b.tif"),
        ("%2e%2e%2fsecret.tif", "secret.tif"),
        ("%2E%2E%2Fsecret.tif", "secret.tif"),
        ("..%2Fsecret.tif", "secret.tif"),
        ("%2e%2e/secret.tif", "secret.tif"),
        ("....//secret.tif", "secret.tif"),
        ("..././secret.tif", "secret.tif"),
        (".../...//secret.tif", "secret.tif"),
        ("..%00/secret.tif", "secret.tif"),
        ("/images/../../etc/passwd", "/images/etc/passwd"),
        ("../", ""),
        ("..\\secret.tif", "..\\secret.tif"),
        ("..%5Csecret.tif", "..\\secret.tif"),
        ("%252e%252e%252fsecret.tif", "%2e%2e%2fsecret.tif"),
        ("..", ".."),
        ("a..b/..c/d..", "a..b/..c/d.."),
        ("./a.tif", "./a.tif"),
    ]

    @Test("Decoded first, then every ../ removed repeatedly; ..\\ is kept", arguments: paths)
    func filtersTraversal(raw: String, expected: String) {
        #expect(IIPRequestParser.imagePath(raw) == expected)
        #expect(parseOne("FIF=\(raw)") == [.command(.fif(expected))])
    }

    @Test("A 5 kB name is kept whole; 5 kB of ../ vanish")
    func longNames() {
        let name = String(repeating: "n", count: 5000) + ".tif"
        #expect(parseOne("FIF=\(name)") == [.command(.fif(name))])
        let climb = String(repeating: "../", count: 1700) + "etc/passwd"
        #expect(parseOne("FIF=\(climb)") == [.command(.fif("etc/passwd"))])
        let nested = String(repeating: ".", count: 2500) + String(repeating: "/", count: 2500) + "x"
        let result = IIPRequestParser.imagePath(nested)
        #expect(!result.contains("../"))
        #expect(result.hasSuffix("x"))
    }
}

@Suite("IIP request parser: malformed and unsupported")
struct IIPMalformedParsingTests {
    static let malformedSetters: [String] = [
        "QLT=high", "QLT=9.5", "QLT=:90", "QLT=jpeg:", "QLT=deflate:x", "QLT=lzw:2:3", "QLT=2147483648",
        "QLT=99999999999999999999", "QLT=lzw:2147483648", "QLT=%39%30",
        "SDS=,", "SDS=1,", "SDS=,1", "SDS=1,2,3", "SDS=a", "SDS=1.5", "SDS=1;2", "SDS=2147483648,0",
        "MINMAX=0,255", "MINMAX=0:255", "MINMAX=0:0,255,3", "MINMAX=a:0,1", "MINMAX=-1:0,1", "MINMAX=:0,1",
        "MINMAX=0:x,1", "MINMAX=0:nan,1", "MINMAX=0:0,inf", "MINMAX=0:1e999,1", "MINMAX=--:0,1", "MINMAX=0:,1",
        "MINMAX=2147483648:0,1", "MINMAX=0:0%2C1",
        "CNT=abc", "CNT=1,2", "CNT=nan", "CNT=NaN", "CNT=inf", "CNT=-inf", "CNT=infinity", "CNT=1e999",
        "CNT=1.5x", "CNT=0x10", "CNT=stretchy", "CNT=1..5", "CNT=-", "CNT=%31",
        "GAM=ln", "GAM=nan", "GAM=inf", "GAM=1e400", "GAM=2.2.2", "GAM=log2", "GAM=e",
        "WID=-1", "WID=1.5", "WID=100px", "WID=2147483648", "WID=99999999999999999999", "WID=abc", "WID=%31%30",
        "WID=1e3", "WID=0x10", "HEI=-480", "HEI=nan", "HEI=2147483648", "HEI=10,20",
        "LYR=a", "LYR=1.5", "LYR=2147483648", "LYR=-2147483648", "LYR=99999999999999999999",
        "RGN=0.1,0.2,0.3", "RGN=0.1,0.2,0.3,0.4,0.5", "RGN=0.1%2C0.2%2C0.3%2C0.4", "RGN=a,b,c,d",
        "RGN=0.1,0.2,,0.4", "RGN=nan,0,1,1", "RGN=0,0,inf,1", "RGN=0;0;1;1", "RGN=,,,", "RGN=1",
        "ROT=!", "ROT=abc", "ROT=!!90", "ROT=90!", "ROT=nan", "ROT=!inf", "ROT=90deg", "ROT=%2190", "ROT=1e999",
        "SHD=45", "SHD=45,30,1", "SHD=45.5,30", "SHD=a,b", "SHD=2147483648,0", "SHD=,", "SHD=45%2C30",
        "CTW=1,0,0", "CTW=[1,0,0", "CTW=1,0,0]", "CTW=[]", "CTW=[1,,0]", "CTW=[1;;0]", "CTW=[a]", "CTW=[nan]",
        "CTW=[1,inf]", "CTW=%5B1%5D%5D", "CTW=[1;]",
        "COL=colour", "COL=sepia", "COL=bin", "COL=grey%20",
        "CNV=blur", "CNV=[1,2,3,4]", "CNV=[]", "CNV=[1,2]", "CNV=[1,2,3", "CNV=1,2,3]", "CNV=[a,0,0,0,1,0,0,0,0]",
        "CNV=[nan,0,0,0,1,0,0,0,0]", "CNV=[1,0,0,0,1,0,0,0,inf]", "CNV=[1,0,0,0,1,0,0,0,,]",
        "CNV=[" + Array(repeating: "1", count: 49).joined(separator: ",") + "]",
        "CNV=[" + Array(repeating: "1", count: 16).joined(separator: ",") + "]",
    ]

    static let malformedOutputs: [String] = [
        "JTL=1", "JTL=1,2,3", "JTL=-1,0", "JTL=0,-1", "JTL=a,b", "JTL=1.0,2", "JTL=0,99999999999999999999",
        "JTL=0,2147483648", "JTL=2147483648,0", "JTL=1;2", "JTL=,1", "JTL=1,", "JTL=0,nan", "JTL=0%2C0",
        "JTL=,", "JTL=+", "PTL=1", "PTL=-1,0", "WTL=0,-1", "WTL=x", "ATL=1,2,3", "ATL=0,inf", "TTL=0,1.5",
        "TTL=99999999999999999999,0",
        "JTLS=0,2,5", "JTLS=0,2,5,90,1", "JTLS=0,-2,5,90", "JTLS=0,2,-5,90", "JTLS=a,2,5,90",
        "JTLS=0,2,99999999999999999999,90",
        "TIL=2", "TIL=2,9-5", "TIL=2,1-0", "TIL=2,-5", "TIL=-1,0", "TIL=2,5-", "TIL=2,-", "TIL=2,1-2-3", "TIL=2,a-b",
        "TIL=2,1,2", "TIL=2,5-99999999999999999999", "TIL=99999999999999999999,0", "TIL=2,5%2D9", "TIL=,5",
        "SPECTRA=2,3,10", "SPECTRA=2,3,10,20,1", "SPECTRA=2,3,-1,20", "SPECTRA=2:3,10,20", "SPECTRA=2,3,10.5,20",
        "SPECTRA=-1,0,0,0", "SPECTRA=0,0,0,2147483648",
        "PFL=10,20-30,40", "PFL=2:10,20-30", "PFL=2:10-20,30-40", "PFL=-1:0,0-1,1",
        "PFL=2:10,20-30,40-50,60", "PFL=2:-10,20-30,40", "PFL=a:1,2-3,4", "PFL=2:10,20,30,40", "PFL=2:10;20-30;40",
        "PFL=2:10,20-30,99999999999999999999", "PFL=:10,20-30,40", "PFL=2:10.5,20-30,40", "PFL=2%3A10,20-30,40",
    ]

    @Test(
        "A known command with an unparsable argument is malformed, with its raw argument",
        arguments: malformedSetters)
    func malformedSetter(query: String) {
        #expect(parseOne(query) == malformed(query))
    }

    @Test(
        "Output commands with a bad shape, negative, huge or non-numeric values are malformed",
        arguments: malformedOutputs)
    func malformedOutput(query: String) {
        #expect(parseOne(query) == malformed(query))
    }

    @Test("The malformed item keeps the lower-cased name and the raw argument")
    func malformedItemShape() {
        #expect(parseOne("Jtl=X%2C1") == [.malformed(name: "jtl", argument: "X%2C1")])
        #expect(parseOne("RGN=0.1%2C0.2%2C0.3%2C0.4") == [.malformed(name: "rgn", argument: "0.1%2C0.2%2C0.3%2C0.4")])
    }

    static let unsupported: [(String, String)] = [
        ("FOO=1", "foo"),
        ("XyZ=abc", "xyz"),
        ("JTLX=0,0", "jtlx"),
        ("fif2=a.tif", "fif2"),
        ("%46IF=a.tif", "%46if"),
        (" FIF=a.tif", " fif"),
        ("SCALE=1", "scale"),
    ]

    @Test("An unknown command name is unsupported, reported lower-cased", arguments: unsupported)
    func unsupportedCommand(query: String, name: String) {
        #expect(parseOne(query) == [.unsupported(name: name)])
    }

    @Test("A 5 kB unknown command name is reported whole")
    func longUnknownName() {
        let name = String(repeating: "Q", count: 5000)
        #expect(parseOne("\(name)=1") == [.unsupported(name: name.lowercased())])
    }
}

// iipsrv-reference §1.3, §1.4
@Suite("IIP request parser: whole requests")
struct IIPRequestParsingTests {
    @Test("Command names are case-insensitive", arguments: ["jtl", "JTL", "Jtl", "jTl"])
    func caseInsensitiveNames(name: String) {
        #expect(parseOne("\(name)=1,2") == [.command(.tile(format: .jpeg, resolution: 1, tile: 2))])
    }

    @Test("Tokens come out left to right, duplicates kept, bad ones in place")
    func order() {
        let items = IIPRequestParser().parse("WID=100&FIF=a.tif&&CVT=png&FOO=1&JTL=x&INV=&WID=200&OBJ=IIP,1.0")
        #expect(
            items == [
                .command(.width(100)),
                .command(.fif("a.tif")),
                .command(.convert(.png)),
                .unsupported(name: "foo"),
                .malformed(name: "jtl", argument: "x"),
                .command(.width(200)),
                .command(.object("iip,1.0")),
            ])
    }

    @Test("parse(token:) matches parse(_:) for a single token")
    func singleToken() {
        let parser = IIPRequestParser()
        #expect(parser.parse(token: IIPQueryToken(name: "hei", rawValue: "50")) == .command(.height(50)))
        let negative = IIPQueryToken(name: "hei", rawValue: "-5")
        #expect(parser.parse(token: negative) == .malformed(name: "hei", argument: "-5"))
        #expect(parser.parse(token: IIPQueryToken(name: "nope", rawValue: "1")) == .unsupported(name: "nope"))
    }

    @Test("Empty and argument-less requests give no items")
    func emptyRequests() {
        #expect(IIPRequestParser().parse("") == [])
        #expect(IIPRequestParser().parse("&&INV=&FIF=&=x") == [])
        // A bare INV inverts, as master and the viewers that send it expect.
        #expect(IIPRequestParser().parse("INV") == [.command(.invert)])
    }

    @Test("The integer limit is Int32.max")
    func integerLimit() {
        #expect(IIPRequestParser.integerLimit == 2_147_483_647)
        #expect(
            parseOne("SHD=2147483647,-2147483647") == [
                .command(.shade(LightDirection(horizontal: 2_147_483_647, vertical: -2_147_483_647)))
            ])
        #expect(parseOne("SHD=-2147483648,0") == malformed("SHD=-2147483648,0"))
    }

    /// `Int.min` has no positive counterpart; its magnitude check must not trap. Run in a child process so that a
    /// crash fails this test instead of the whole run.
    @Test("Int64.min as an argument is malformed and does not crash the parser")
    func int64MinDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            let parser = IIPRequestParser()
            let bad = "-9223372036854775808"
            for name in ["jtl", "shd", "lyr", "wid", "qlt", "sds"] {
                let argument = name == "wid" || name == "lyr" || name == "qlt" || name == "sds" ? bad : "0,\(bad)"
                let items = parser.parse("\(name)=\(argument)")
                precondition(items == [.malformed(name: name, argument: argument)], "\(name): \(items)")
            }
        }
    }
}

@Suite("IIP commands")
struct IIPCommandTests {
    static let outputs: [IIPCommand] = [
        .object("basic-info"), .tile(format: .png, resolution: 0, tile: 0),
        .legacyTile(x: 0, resolution: 0, tile: 0, y: 90), .tiles(resolution: 0, first: 0, last: 1), .convert(.jpeg),
        .spectra(resolution: 0, tile: 0, x: 0, y: 0), .profile(resolution: 0, x1: 0, y1: 0, x2: 1, y2: 1),
        .zoomify("a"), .deepZoom("a"), .iiif("a"),
    ]

    static let setters: [IIPCommand] = [
        .fif("a"), .quality(90, compression: nil), .sequence(x: 0, y: nil), minMax(nil, 0, 1), .contrast(.stretch),
        .gamma(.logarithm), .width(1), .height(1), .region(nil), .rotation(.none), .colorMap(.hot), .invert,
        .shade(LightDirection(horizontal: 0, vertical: 0)), .colorTwist([[1]]), .colorConversion(.grey), .layers(1),
        kernel([1]), .icc,
    ]

    @Test("Output commands write a response", arguments: outputs)
    func output(command: IIPCommand) {
        #expect(command.isOutput)
    }

    @Test("Setters do not", arguments: setters)
    func setter(command: IIPCommand) {
        #expect(!command.isOutput)
    }
}
