/// A store of image files addressed by URL (an S3 bucket, an HTTP server honouring byte ranges), which the server
/// reads as it reads local files: through a ``ByteSource`` per file.
///
/// The imaging layer only knows this protocol; the store itself (HTTP client, signing, block cache) lives in a
/// layer of its own.
public protocol RemoteObjects: Sendable {
    /// Whether `path` is an address on this store rather than a local path.
    func handles(_ path: String) -> Bool

    /// The object's version as the store gives it now, or `nil` when it has no such object (or refuses access to
    /// it, which a client cannot tell apart): a blocking call.
    ///
    /// - Throws: ``ImagingError/storeUnavailable(_:)`` when the store cannot be reached or answers an error.
    func version(of path: String) throws(ImagingError) -> RemoteObjectVersion?

    /// Opens the object at `path`: a blocking call, which asks the store for the object's length and version.
    ///
    /// - Throws: ``ImagingError/unreadable(path:reason:)`` when the store has no such object or refuses access;
    ///   ``ImagingError/storeUnavailable(_:)`` when it cannot be reached or answers an error.
    func open(_ path: String) throws(ImagingError) -> any ByteSource

    /// The object at `path` in a version already asked for (``version(of:)``), without asking the store again: for
    /// more handles on an image that is open.
    func open(_ path: String, version: RemoteObjectVersion) -> any ByteSource

    /// Closes the store's connections once no more reads will come.
    func shutdown() async
}

/// What identifies one version of an object on a remote store: its length, entity tag and modification date, as
/// the store's `HEAD` answer gives them.
public struct RemoteObjectVersion: Sendable, Hashable {
    /// The object's length in bytes.
    public var length: Int
    /// The entity tag (ETag), quotes included; empty when the store sends none.
    public var tag: String
    /// The Last-Modified header as sent (an HTTP date), empty when the store sends none.
    public var lastModified: String

    /// Creates a version.
    public init(length: Int, tag: String, lastModified: String) {
        self.length = length
        self.tag = tag
        self.lastModified = lastModified
    }
}
