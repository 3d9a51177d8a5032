import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// One image the transforms are tried on: a sample type, stored losslessly so that both servers (and the formulas)
/// start from the same samples. 300 x 200: TIFFs in 128 tiles (three levels: 300 x 200, 150 x 100, 75 x 50),
/// JPEG 2000 in iipsrv's 256 tiles (two levels: 300 x 200, 150 x 100).
struct TransformSubject: Sendable, Hashable, CustomTestStringConvertible {
    /// How the file is written.
    enum Source: Sendable, Hashable {
        case tiff(FixtureSpec)
        case jpeg2000(JPEG2000Fixtures.Spec)
    }

    var source: Source
    /// Bands as stored.
    var channels: Int
    /// Bits per sample as stored.
    var bits: Int
    var sampleFormat: SampleFormat = .unsignedInteger
    /// The range the file declares (SMin/SMaxSampleValue, or the depth's), for MINMAX arguments.
    var range: ClosedRange<Double>
    var cieLab = false

    var name: String {
        switch source {
        case .tiff(let spec): spec.name
        case .jpeg2000(let spec): spec.name
        }
    }

    var testDescription: String { name }

    static let width = 300
    static let height = 200
    static let tileSize = 128

    /// The tile the transforms are compared on: tile 1 of the full resolution (a whole 128 tile of a TIFF, the
    /// 44 x 200 edge tile of a JPEG 2000 file), and where it lies.
    var tile: (argument: String, rect: PixelRect) {
        switch source {
        case .tiff: ("2,1", PixelRect(x: 128, y: 0, width: 128, height: 128))
        case .jpeg2000: ("1,1", PixelRect(x: 256, y: 0, width: 44, height: 200))
        }
    }

    /// The export the transforms are compared on: a 60 x 40 region of the 150 x 100 level at that level's own scale,
    /// so that neither server resamples it; `format` is CVT's argument.
    static func export(_ format: String) -> String { "RGN=0.2,0.2,0.4,0.4&WID=60&CVT=\(format)" }
    /// Where the export lies in the 150 x 100 level.
    static let exportRect = PixelRect(x: 30, y: 20, width: 60, height: 40)

    /// Writes the file once per process.
    func make() throws {
        switch source {
        case .tiff(let spec): try Fixtures.make(spec)
        case .jpeg2000(let spec): try JPEG2000Fixtures.make(spec)
        }
    }

    /// A value `fraction` of the way through ``range``, written as a MINMAX argument.
    func sample(at fraction: Double) -> String {
        let value = range.lowerBound + fraction * (range.upperBound - range.lowerBound)
        return sampleFormat == .floatingPoint ? String(format: "%.3f", value) : String(Int(value.rounded()))
    }

    private static func tiff(
        _ name: String, channels: Int, bits: Int = 8, range: ClosedRange<Double>? = nil,
        _ update: (inout FixtureSpec) -> Void = { _ in }
    ) -> TransformSubject {
        let spec = FixtureSpec("transform-\(name).tif", width: width, height: height).with {
            $0.channels = channels
            $0.bits = bits
            $0.compression = bits == 8 && channels == 1 ? .lzw : .deflate
            $0.tileSize = tileSize
            update(&$0)
        }
        let depth = bits == 32 ? 4_294_967_295.0 : bits == 16 ? 65535.0 : 255.0
        return TransformSubject(
            source: .tiff(spec), channels: channels, bits: bits, sampleFormat: spec.sampleFormat,
            range: range ?? spec.sampleRange ?? 0...depth, cieLab: spec.cieLab)
    }

    static let rgb8 = tiff("rgb8", channels: 3)
    static let grey8 = tiff("grey8", channels: 1)
    static let rgb16 = tiff("rgb16", channels: 3, bits: 16)
    static let grey16 = tiff("grey16", channels: 1, bits: 16)
    static let u32 = tiff("u32", channels: 1, bits: 32)
    static let float32 = tiff("f32", channels: 1, bits: 32) {
        $0.sampleFormat = .floatingPoint
        $0.sampleRange = -2...5
    }
    static let cieLab8 = tiff("cielab8", channels: 3) { $0.cieLab = true }
    static let bands5 = tiff("bands5", channels: 5)
    static let jp2RGB8 = TransformSubject(
        source: .jpeg2000(JPEG2000Fixtures.Spec("transform-rgb8.jp2", width: width, height: height)), channels: 3,
        bits: 8, range: 0...255)
    static let jp2Grey16 = TransformSubject(
        source: .jpeg2000(
            JPEG2000Fixtures.Spec("transform-grey16.jp2", width: width, height: height).with {
                $0.channels = 1
                $0.precision = 16
            }), channels: 1, bits: 16, range: 0...65535)

    /// Every sample type the differential covers.
    static let all = [rgb8, grey8, rgb16, grey16, u32, float32, cieLab8, bands5, jp2RGB8, jp2Grey16]
}
