/// An encoding the server can answer with: the one format type of every protocol and of the encoders.
///
/// IIP names formats by command (JTL, PTL, CVT=png ...), IIIF by file extension, DeepZoom by tile extension; each
/// protocol maps its names to these cases, and the encoders write them. Whether this build can write a format
/// is the encoders' business (AVIF needs a libavif with an AV1 encoder).
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// Baseline JPEG.
    case jpeg
    /// PNG.
    case png
    /// WebP.
    case webp
    /// TIFF.
    case tiff
    /// GIF (8-bit palette).
    case gif
    /// JPEG 2000 in a JP2 container.
    case jp2
    /// A single-page PDF holding the image as JPEG.
    case pdf
    /// AVIF.
    case avif
    /// JPEG XL (this server's own: no IIP server has it; IIIF lists it in `extraFormats`).
    case jxl

    /// The format whose usual extension is `fileExtension` (`jpg`, `tif` ...), as IIIF and DeepZoom name them.
    public init?(fileExtension: String) {
        guard let format = Self.allCases.first(where: { $0.fileExtension == fileExtension }) else { return nil }
        self = format
    }

    /// The media type sent in Content-Type.
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .tiff: "image/tiff"
        case .gif: "image/gif"
        case .jp2: "image/jp2"
        case .pdf: "application/pdf"
        case .avif: "image/avif"
        case .jxl: "image/jxl"
        }
    }

    /// The usual file name extension: Content-Disposition names, IIIF formats, DeepZoom tiles.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .tiff: "tif"
        case .gif: "gif"
        case .jp2: "jp2"
        case .pdf: "pdf"
        case .avif: "avif"
        case .jxl: "jxl"
        }
    }

    /// The largest width or height the format (or the library that writes it) can hold: JPEG and PDF (a JPEG
    /// inside) 65,500 (libjpeg's JPEG_MAX_DIMENSION), WebP 16,383 (libwebp's WEBP_MAX_DIMENSION), GIF 65,535, PNG
    /// 1,000,000 (libpng's default user limit, checked on write too), JPEG 2000 2^24 (the bound set for our
    /// OpenJPEG output), AVIF 65,536, JPEG XL 2^30 (codestream level 10), TIFF 2^32-1. Larger outputs are refused before any work, as a request error
    /// rather than an encoder failure; the encoders check the same numbers.
    public var maxSide: Int {
        switch self {
        case .jpeg, .pdf: 65500
        case .webp: 16383
        case .gif: 65535
        case .png: 1_000_000
        case .jp2: 1 << 24
        case .avif: 65536
        case .jxl: 1 << 30
        case .tiff: Int(UInt32.max)
        }
    }

    /// Whether the format keeps an alpha band (GIF as one transparent palette entry).
    public var supportsAlpha: Bool {
        switch self {
        case .png, .webp, .tiff, .gif, .avif, .jxl: true
        case .jpeg, .jp2, .pdf: false
        }
    }
}
