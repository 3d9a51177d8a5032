/// An encoding the server can answer with.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// Baseline JPEG (always available).
    case jpeg
    /// PNG.
    case png
    /// WebP.
    case webp
    /// AVIF.
    case avif
    /// TIFF.
    case tiff

    /// The media type sent in Content-Type.
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .avif: "image/avif"
        case .tiff: "image/tiff"
        }
    }

    /// The usual file name extension, used in Content-Disposition.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .avif: "avif"
        case .tiff: "tif"
        }
    }
}
