/// A store of image files addressed by URL (an S3 bucket, an HTTP server honouring byte ranges), which the server
/// reads as it reads local files: through a ``ByteSource`` per file.
///
/// The imaging layer only knows this protocol; the store itself (HTTP client, signing, block cache) lives in a
/// layer of its own.
public protocol RemoteObjects: Sendable {
    /// Whether `path` is an address on this store rather than a local path.
    func handles(_ path: String) -> Bool

    /// Opens the object at `path`: a blocking call, which asks the store for the object's length and version.
    ///
    /// - Throws: ``ImagingError/unreadable(path:reason:)`` when the store has no such object, refuses access, or
    ///   cannot be reached.
    func open(_ path: String) throws(ImagingError) -> any ByteSource
}
