import CAVIF

/// The AV1 encoder libavif writes AVIF with: AVIF_CODEC as iipsrv numbers it (iipsrv-reference §9).
///
/// Debian bookworm's libavif 0.11 links all three encoders (aom 3.6, rav1e 0.5, SVT-AV1 1.4); another build may
/// lack some, which ``isAvailable`` tells. They do not all write every picture (measured with libavif 0.11.1):
/// quantizer 0 is exact only with aom (rav1e 0.5 has no lossless mode: its samples come back up to a few levels
/// off), and SVT-AV1 writes only 4:2:0 pictures whose sides are even and at least 64 pixels, with a lossy alpha
/// plane. So lossless pictures, and with SVT-AV1 also grey pictures, pictures with alpha and other sizes, are
/// written by aom (``encoder(width:height:subsampled:alpha:lossless:)``).
public enum AVIFCodec: Int, Sendable, Hashable, CaseIterable {
    /// libavif's choice: the first encoder it was built with (aom in Debian).
    case automatic = 0
    /// libaom.
    case aom = 1
    /// rav1e.
    case rav1e = 2
    /// SVT-AV1.
    case svt = 3

    /// The codec for an AVIF_CODEC value; values other than 0-3 mean ``automatic``, as in iipsrv.
    public init(iipsrvCode: Int) {
        self = Self(rawValue: iipsrvCode) ?? .automatic
    }

    /// The name AVIF_CODEC's documentation gives it.
    public var name: String {
        switch self {
        case .automatic: "auto"
        case .aom: "aom"
        case .rav1e: "rav1e"
        case .svt: "svt"
        }
    }

    var choice: avifCodecChoice {
        switch self {
        case .automatic: AVIF_CODEC_CHOICE_AUTO
        case .aom: AVIF_CODEC_CHOICE_AOM
        case .rav1e: AVIF_CODEC_CHOICE_RAV1E
        case .svt: AVIF_CODEC_CHOICE_SVT
        }
    }

    /// The encoder libavif uses for this choice (`aom`, `rav1e`, `svt`), or `nil` when this libavif has none.
    public var encoderName: String? {
        guard let name = avifCodecName(choice, avifCodecFlags(AVIF_CODEC_FLAG_CAN_ENCODE.rawValue)) else {
            return nil
        }
        return String(cString: name)
    }

    /// Whether this libavif can encode with it (``automatic``: with any encoder at all).
    public var isAvailable: Bool { encoderName != nil }

    /// libavif's version and the versions of the codecs it links, e.g. `0.11.1 (aom [enc/dec]:v3.6.0, ...)`.
    public static var libraryVersions: String {
        var buffer = [CChar](repeating: 0, count: 256)
        avifCodecVersions(&buffer)
        let codecs = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(String(cString: avifVersion())) (\(codecs))"
    }

    /// The encoder that writes a `width` x `height` picture, 4:2:0 when `subsampled` (else 4:4:4 or 4:0:0), with an
    /// alpha plane when `alpha`, lossless when `lossless`: this one, or aom where this one cannot write the
    /// picture exactly or at all (see the type's documentation). Without aom in libavif, this one.
    public func encoder(width: Int, height: Int, subsampled: Bool, alpha: Bool, lossless: Bool) -> AVIFCodec {
        let svtCannot =
            self == .svt && (!subsampled || alpha || width < 64 || height < 64 || width % 2 == 1 || height % 2 == 1)
        guard lossless || svtCannot, Self.aom.isAvailable else { return self }
        return .aom
    }

    /// The codec to run with when AVIF_CODEC asks for `requested`: itself when this libavif has it, else
    /// ``automatic`` (with a line that says so), or `nil` when libavif has no encoder at all.
    public static func resolve(_ requested: AVIFCodec) -> (codec: AVIFCodec, note: String?)? {
        guard automatic.isAvailable else { return nil }
        if requested.isAvailable { return (requested, nil) }
        let fallback = automatic.encoderName ?? "auto"
        return (
            .automatic,
            "AVIF_CODEC=\(requested.rawValue) asks for \(requested.name), which this libavif cannot encode with; "
                + "using \(fallback)"
        )
    }
}
