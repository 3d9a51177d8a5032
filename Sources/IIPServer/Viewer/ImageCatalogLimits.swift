/// How much of the folder tree under FILESYSTEM_PREFIX one image listing may read (VIEWER_MAX_ENTRIES,
/// VIEWER_MAX_DEPTH).
struct ImageCatalogLimits: Sendable, Hashable {
    /// The most directory entries examined; past it the listing stops and is marked truncated.
    var maxEntries: Int
    /// The deepest folder level read: 0 is the prefix's own entries.
    var maxDepth: Int
}
