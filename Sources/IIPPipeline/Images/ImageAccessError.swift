/// Why a requested image could not be served. Every case answers 404, as iipsrv's file errors do
/// (iipsrv-reference §11.2), with a message that never shows the filesystem prefix.
public enum ImageAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No such file (or not a regular file, or a path that tries to leave the prefix).
    case notFound(String)
    /// The file exists but is not an image this server reads, or its structure is unsupported.
    case unsupported(path: String, reason: String)
    /// The file is damaged or truncated.
    case unreadable(path: String, reason: String)

    /// A one-line message for the response body and the log.
    public var description: String {
        switch self {
        case .notFound(let path): "\(path) is neither a file nor part of an image sequence"
        case .unsupported(let path, let reason): "\(path): \(reason)"
        case .unreadable(let path, let reason): "\(path): \(reason)"
        }
    }
}
