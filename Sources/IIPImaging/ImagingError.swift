/// Why an image could not be opened, read or written.
public enum ImagingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is not in a format any source understands.
    case unsupportedFormat(String)
    /// The file is a TIFF without tiles (iipsrv answers 404 "Image is not tiled").
    case notTiled
    /// The file's structure or sample layout is not supported.
    case unsupportedLayout(String)
    /// A resolution number outside the pyramid.
    case noSuchResolution(Int)
    /// A tile index outside the level.
    case noSuchTile(Int)
    /// A codec library failed while decoding (a broken or truncated file).
    case decodeFailed(String)
    /// A codec library failed while encoding.
    case encodeFailed(String)
    /// A request would need more memory than the configured limit.
    case tooLarge(String)
    /// A processing parameter outside what the operation accepts: a non-finite angle, a negative size, a buffer
    /// whose byte count does not match its dimensions.
    case invalidParameter(String)
    /// The remote store holding the file could not be reached, timed out or answered an error (never a reason
    /// with credentials in it).
    case storeUnavailable(String)

    /// A one-line explanation, without filesystem paths beyond the one given.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .unsupportedFormat(let detail): "unsupported image format: \(detail)"
        case .notTiled: "image is not tiled"
        case .unsupportedLayout(let detail): "unsupported image layout: \(detail)"
        case .noSuchResolution(let r): "asked for non-existent resolution: \(r)"
        case .noSuchTile(let t): "asked for non-existent tile: \(t)"
        case .decodeFailed(let detail): "decoding failed: \(detail)"
        case .encodeFailed(let detail): "encoding failed: \(detail)"
        case .tooLarge(let detail): "request too large: \(detail)"
        case .invalidParameter(let detail): "invalid parameter: \(detail)"
        case .storeUnavailable(let detail): "image store unavailable: \(detail)"
        }
    }
}
