import CTIFF
import IIPModel

/// How a TIFF directory stores its samples, and how ``PyramidTIFF`` hands them out once read
/// (iipsrv-reference §6.1, §7.1).
///
/// Stored: SamplesPerPixel, BitsPerSample, SampleFormat and whether the samples are palette indices. Read: 1-8-bit
/// integers become 8-bit, 9-16-bit ones 16-bit, 32-bit samples stay 32-bit, 64-bit floats are narrowed to 32-bit
/// floats, and palette indices become 8-bit RGB through the ColorMap (``TIFFPalette``).
struct TIFFSampleLayout: Hashable {
    /// SamplesPerPixel: bands in the file, extra samples included.
    var channels: Int
    /// BitsPerSample.
    var bits: Int
    /// SampleFormat.
    var format: SampleFormat
    /// Photometric palette: each sample is an index into the ColorMap.
    var palette: Bool

    /// Bands of a decoded tile: 3 for palette images, otherwise as stored.
    var decodedChannels: Int { palette ? 3 : channels }

    /// Bits of a decoded sample: 8 for palette images, otherwise ``PyramidTIFF/widenedBits(_:)``.
    var decodedBits: Int { palette ? 8 : PyramidTIFF.widenedBits(bits) }

    /// The layout of the selected directory, when this reader handles it and its band count is within `limits`.
    ///
    /// - Throws: ``ImagingError/unsupportedLayout(_:)`` for other layouts, and for a palette image whose
    ///   ColorMap is missing or of the wrong length (which libtiff hides by reading the file as grey or RGB).
    static func read(_ file: TIFFFile, limits: ImageLimits) throws(ImagingError) -> TIFFSampleLayout {
        let channels = Int(file.u16(TIFFTAG_SAMPLESPERPIXEL) ?? 1)
        let bits = Int(file.u16(TIFFTAG_BITSPERSAMPLE) ?? 1)
        let formatCode = Int(file.u16(TIFFTAG_SAMPLEFORMAT) ?? UInt16(SAMPLEFORMAT_UINT))
        let photometric = Int(file.u16(TIFFTAG_PHOTOMETRIC) ?? UInt16(PHOTOMETRIC_MINISBLACK))
        let stored = file.storedU16(TIFFTAG_PHOTOMETRIC).map(Int.init)
        if stored == Int(PHOTOMETRIC_PALETTE), photometric != Int(PHOTOMETRIC_PALETTE) {
            throw .unsupportedLayout(
                "a palette colour image needs a ColorMap of 3 x \(bits < 63 ? String(1 << bits) : "2^\(bits)") "
                    + "entries; this one has none of that length")
        }
        return try validated(
            channels: channels, bits: bits, formatCode: formatCode,
            palette: photometric == Int(PHOTOMETRIC_PALETTE), limits: limits)
    }

    /// The layout, when this reader handles `bits`-bit samples of that format and `channels` is within `limits`.
    static func validated(
        channels: Int, bits: Int, formatCode: Int, palette: Bool, limits: ImageLimits
    ) throws(ImagingError) -> TIFFSampleLayout {
        guard channels >= 1, channels <= limits.maxSamplesPerPixel else {
            throw .unsupportedLayout("\(channels) samples per pixel (1 to \(limits.maxSamplesPerPixel))")
        }
        let format: SampleFormat
        switch formatCode {
        case Int(SAMPLEFORMAT_INT): format = .signedInteger
        case Int(SAMPLEFORMAT_IEEEFP): format = .floatingPoint
        default: format = .unsignedInteger
        }
        if palette {
            guard channels == 1, format == .unsignedInteger, [1, 2, 4, 8, 16].contains(bits) else {
                throw .unsupportedLayout(
                    "palette colour with \(channels) samples of \(bits) bits (one 1, 2, 4, 8 or 16-bit index)")
            }
            return TIFFSampleLayout(channels: 1, bits: bits, format: format, palette: true)
        }
        switch (bits, format) {
        case (1, .unsignedInteger), (2, .unsignedInteger), (4, .unsignedInteger), (6, .unsignedInteger),
            (10, .unsignedInteger), (12, .unsignedInteger), (14, .unsignedInteger),
            (8, .unsignedInteger), (8, .signedInteger), (16, .unsignedInteger),
            (16, .signedInteger), (32, _), (64, .floatingPoint):
            return TIFFSampleLayout(channels: channels, bits: bits, format: format, palette: false)
        default:
            let kind: String =
                switch format {
                case .unsignedInteger: "unsigned"
                case .signedInteger: "signed"
                case .floatingPoint: "floating-point"
                }
            throw .unsupportedLayout("\(bits)-bit \(kind) samples")
        }
    }

    /// 64-bit floats, native byte order as libtiff hands them out, narrowed to 32-bit floats, `count` of them.
    ///
    /// NaN stays NaN and infinities stay infinite; finite values beyond `Float`'s range are clamped to its largest
    /// magnitude rather than becoming infinite, and values nearer zero than its smallest become 0 or a subnormal,
    /// as `Float(_:)` rounds them.
    static func narrowDoubles(_ raw: [UInt8], count: Int) throws(ImagingError) -> [UInt8] {
        guard count >= 0, count <= raw.count / 8 else {
            throw .decodeFailed("64-bit tile data shorter than \(count) samples")
        }
        var output = [UInt8](repeating: 0, count: count * 4)
        raw.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                for index in 0..<count {
                    let value = source.loadUnaligned(fromByteOffset: index * 8, as: Double.self)
                    let narrowed =
                        value.isFinite
                        ? Float(
                            max(
                                min(value, Double(Float.greatestFiniteMagnitude)),
                                -Double(Float.greatestFiniteMagnitude)))
                        : Float(value)
                    target.storeBytes(of: narrowed, toByteOffset: index * 4, as: Float.self)
                }
            }
        }
        return output
    }
}
