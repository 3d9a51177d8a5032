/// The outcome of one listing of the images under FILESYSTEM_PREFIX.
struct ImageCatalogScan: Sendable, Hashable {
    /// The identifiers of the images found (paths relative to the prefix, without FILESYSTEM_SUFFIX), sorted.
    var identifiers: [String]
    /// Whether the listing stopped at VIEWER_MAX_ENTRIES, so images may be missing.
    var truncated: Bool
    /// Why nothing could be listed (no prefix, unreadable prefix), or `nil`.
    var problem: String?
}
