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
    /// FILENAME_PATTERN, between the path and the angles of a sequence's files; empty turns sequences off.
    package var sequencePattern: String
    /// Keeps symbolic links from leading outside the prefix; `nil` when ALLOW_SYMLINKS_OUTSIDE_PREFIX lets them.
    package var confinement: PrefixConfinement?

    /// Creates a resolver.
    ///
    /// - Parameter allowsSymlinksOutside: ALLOW_SYMLINKS_OUTSIDE_PREFIX: when false, ``isConfined(_:)`` follows
    ///   links itself and refuses one that leaves the prefix.
    package init(
        prefix: String, suffix: String, maxLength: Int = 4096, sequencePattern: String = "_pyr_",
        allowsSymlinksOutside: Bool = false
    ) {
        self.sequencePattern = sequencePattern
        confinement = allowsSymlinksOutside ? nil : PrefixConfinement(prefix: prefix)
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

    /// The start of the file names of a sequence at `requestPath`: FILESYSTEM_PREFIX + path + FILENAME_PATTERN
    /// (without FILESYSTEM_SUFFIX, as iipsrv), or `nil` when the path must not be opened or sequences are off.
    package func sequenceBase(for requestPath: String) -> String? {
        guard !sequencePattern.isEmpty, filePath(for: requestPath) != nil else {
            return nil
        }
        let base = prefix + requestPath + sequencePattern
        return base.utf8.count + 16 <= maxLength ? base : nil
    }

    /// Whether `filePath` (from ``filePath(for:)`` or ``sequenceBase(for:)``) may be looked at: always when links
    /// may leave the prefix, else when its links stay inside (``PrefixConfinement``). Blocking (`lstat`).
    package func isConfined(_ filePath: String) -> Bool {
        confinement?.contains(filePath) ?? true
    }
}
