public import IIPModel

/// The encoder quality for each format: QLT when the request gives one, else the format's variable, clamped as
/// iipsrv clamps it (iipsrv-reference §2.1 QLT, §9).
public struct OutputQualities: Sendable, Hashable {
    /// JPEG_QUALITY (also PDF and JPEG 2000 output).
    public var jpeg: Int
    /// PNG_QUALITY: the zlib level.
    public var png: Int
    /// WEBP_QUALITY.
    public var webp: Int
    /// TIFF_QUALITY.
    public var tiff: Int
    /// AVIF_QUALITY.
    public var avif: Int
    /// JXL_QUALITY (this server's own).
    public var jxl: Int

    /// Creates the defaults (iipsrv's when not given; JPEG XL's is this server's).
    public init(jpeg: Int = 75, png: Int = 1, webp: Int = 50, tiff: Int = 1, avif: Int = 50, jxl: Int = 75) {
        self.jpeg = jpeg
        self.png = png
        self.webp = webp
        self.tiff = tiff
        self.avif = avif
        self.jxl = jxl
    }

    /// The quality to encode `format` with, given the request's QLT (`nil` when absent). AVIF and JPEG XL take
    /// -1 (lossless) to 100, values below -1 counting as -1 as iipsrv counts them for AVIF.
    public func value(for format: OutputFormat, requested: Int?) -> Int {
        switch format {
        case .jpeg, .pdf, .jp2: min(max(requested ?? jpeg, 1), 100)
        case .png: min(max(requested ?? png, 0), 9)
        case .webp: min(max(requested ?? webp, -1), 100)
        case .tiff: min(max(requested ?? tiff, 0), 100)
        case .avif: min(max(requested ?? avif, -1), 100)
        case .jxl: min(max(requested ?? jxl, -1), 100)
        case .gif: 0
        }
    }
}
