/// Maps a requested image path to a filesystem path: FILESYSTEM_PREFIX + path + FILESYSTEM_SUFFIX.
///
/// The requested path has already been URL-decoded with every `../` removed (iipsrv-reference §1.3). This
/// type additionally refuses any remaining `..` component (a trailing `..`, for example), NUL bytes and
/// over-long paths, so a request can never name anything outside the prefix.
package struct PathResolver: Sendable {
    /// FILESYSTEM_PREFIX.
    package var prefix: String
    /// FILESYSTEM_SUFFIX.
    package var suffix: String
    /// The longest filesystem path accepted.
    package var maxLength: Int

    /// Creates a resolver.
    package init(prefix: String, suffix: String, maxLength: Int = 4096) {
        self.prefix = prefix
        self.suffix = suffix
        self.maxLength = maxLength
    }

    /// The filesystem path for `requestPath`, or `nil` when it must not be opened.
    package func filePath(for requestPath: String) -> String? {
        guard !requestPath.isEmpty, !requestPath.utf8.contains(0) else { return nil }
        for component in requestPath.split(separator: "/", omittingEmptySubsequences: false) where component == ".." {
            return nil
        }
        let path = prefix + requestPath + suffix
        guard path.utf8.count <= maxLength else { return nil }
        return path
    }
}
