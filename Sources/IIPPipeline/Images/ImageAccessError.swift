/// Why a requested image could not be served, with a message that never shows the filesystem prefix.
///
/// Statuses follow iipsrv 1.1 (iipsrv-reference §11.2, §11.4): missing, untiled or damaged files answer 404;
/// a file that is no image at all answers 400 (iipsrv 1.1 sends its HTML page with 400; master, 200).
package enum ImageAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No such file (or not a regular file, or a path that tries to leave the prefix).
    case notFound(String)
    /// The file's signature is not one of a supported image format.
    case unsupportedFormat(path: String)
    /// The file is an image whose structure is not supported (untiled TIFF, unusual samples).
    case unsupported(path: String, reason: String)
    /// The file is damaged or truncated.
    case unreadable(path: String, reason: String)
    /// The remote store holding the image could not be reached, timed out or answered an error; `detail` (which
    /// names the store) is for the log, never the answer.
    case storeUnavailable(path: String, detail: String)

    /// The HTTP status to answer with.
    package var status: Int {
        switch self {
        case .unsupportedFormat: 400
        case .storeUnavailable: 502
        default: 404
        }
    }

    /// A one-line message for the response body and the log.
    package var description: String {
        switch self {
        case .notFound(let path): "\(path) is neither a file nor part of an image sequence"
        case .unsupportedFormat(let path): "\(path): unsupported image type"
        case .unsupported(let path, let reason): "\(path): \(reason)"
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .storeUnavailable(let path, _): "\(path): image store unavailable"
        }
    }
}
