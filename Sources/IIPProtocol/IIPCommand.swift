public import IIPModel

/// One parsed command of an IIP request, with typed arguments (iipsrv-reference §2).
///
/// Setters change the per-request view; output commands produce a response. Commands run strictly left
/// to right (iipsrv-reference §1.4).
public enum IIPCommand: Sendable, Hashable {
    // MARK: Setters

    /// FIF: the image path, URL-decoded with every `../` removed.
    case fif(String)
    /// QLT: encoder quality, with an optional TIFF compression name (`comp:q`).
    case quality(Int, compression: String?)
    /// SDS: sequence angles or stack index.
    case sequence(x: Int, y: Int?)
    /// MINMAX: normalisation range of one channel or all.
    case minMax(SampleRange)
    /// CNT: contrast.
    case contrast(Contrast)
    /// GAM: gamma or log.
    case gamma(Gamma)
    /// WID: requested output width.
    case width(Int)
    /// HEI: requested output height.
    case height(Int)
    /// RGN: region as fractions, clamped to 0...1; `nil` when iipsrv ignores it (a zero width or height).
    case region(NormalizedRegion?)
    /// ROT: rotation and mirror.
    case rotation(Rotation)
    /// CMP: colour map, or `nil` to switch it off.
    case colorMap(ColorMap?)
    /// INV: invert.
    case invert
    /// SHD: hill-shading light direction in degrees.
    case shade(LightDirection)
    /// CTW: colour-twist matrix, one row per output channel.
    case colorTwist([[Double]])
    /// COL: grey or binary conversion.
    case colorConversion(ColorConversion)
    /// LYR: JPEG2000 quality layers.
    case layers(Int)
    /// CNV: convolution kernel.
    case convolution(ConvolutionKernel)
    /// ICC: accepted and ignored, as iipsrv does.
    case icc

    // MARK: Output commands

    /// OBJ: one metadata object (lower-cased argument).
    case object(String)
    /// JTL, PTL, WTL, ATL, TTL: one tile.
    case tile(format: OutputFormat, resolution: Int, tile: Int)
    /// JTLS: legacy tile with sequence angles.
    case legacyTile(x: Int, resolution: Int, tile: Int, y: Int)
    /// TIL: a FlashPix-style multi-tile response.
    case tiles(resolution: Int, first: Int, last: Int)
    /// CVT: a region export.
    case convert(OutputFormat)
    /// SPECTRA: per-band values at a pixel.
    case spectra(resolution: Int, tile: Int, x: Int, y: Int)
    /// PFL: a line profile.
    case profile(resolution: Int, x1: Int, y1: Int, x2: Int, y2: Int)
    /// Zoomify (argument URL-decoded).
    case zoomify(String)
    /// DeepZoom (argument URL-decoded).
    case deepZoom(String)
    /// IIIF (the raw argument: the IIIF parser splits it into segments, then decodes them).
    case iiif(String)

    /// Whether the command writes a response when it runs.
    public var isOutput: Bool {
        switch self {
        case .object, .tile, .legacyTile, .tiles, .convert, .spectra, .profile, .zoomify, .deepZoom, .iiif: true
        default: false
        }
    }
}
