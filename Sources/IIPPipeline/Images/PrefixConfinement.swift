#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps the symbolic links under FILESYSTEM_PREFIX from leading outside it (ALLOW_SYMLINKS_OUTSIDE_PREFIX=0).
///
/// A path is resolved one component at a time below the prefix's folder with `lstat` and `readlink`, never with
/// `stat`, `open` or `realpath`: a link's target is checked as text before anything at it is looked at, so nothing
/// outside the prefix is even examined. A link whose target stays inside is followed (textually); one that leaves
/// it, or more than 40 links in a row (the kernel's own limit), makes the path refused.
package struct PrefixConfinement: Sendable {
    /// The folder every path must stay in: the prefix up to its last `/` (empty: the working directory).
    package let root: String
    /// `root` with its own links resolved, so that an absolute link naming the real folder stays inside.
    package let canonicalRoot: String?

    /// Creates the confinement for FILESYSTEM_PREFIX `prefix`.
    package init(prefix: String) {
        let root = prefix.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(prefix[...$0]) } ?? ""
        self.root = root
        canonicalRoot = Self.realPath(root.isEmpty ? "." : root).map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }

    /// Whether `path` (which starts with the prefix) stays inside ``root`` once its links are followed.
    ///
    /// A component that does not exist ends the check with `true`: the open that follows fails inside the prefix.
    package func contains(_ path: String) -> Bool {
        guard path.utf8.starts(with: root.utf8) else { return false }
        var pending = Array(Self.components(Self.dropping(root, from: path)).reversed())
        var resolved: [Substring] = []
        var links = 0
        while let component = pending.popLast() {
            switch component {
            case "", ".": continue
            case "..":
                guard resolved.popLast() != nil else { return false }
                continue
            default: break
            }
            let candidate = root + (resolved + [component]).joined(separator: "/")
            var info = stat()
            guard lstat(candidate, &info) == 0 else { return true }
            guard info.st_mode & S_IFMT == S_IFLNK else {
                resolved.append(component)
                continue
            }
            links += 1
            guard links <= 40, let target = Self.linkTarget(candidate) else { return false }
            var rest = Substring(target)
            if target.hasPrefix("/") {
                if !root.isEmpty, target.utf8.starts(with: root.utf8) {
                    rest = Self.dropping(root, from: target)
                } else if let canonicalRoot, target.utf8.starts(with: canonicalRoot.utf8) {
                    rest = Self.dropping(canonicalRoot, from: target)
                } else {
                    return false
                }
                resolved = []
            }
            pending += Self.components(rest).reversed()
        }
        return true
    }

    /// `text` without its first `start.utf8.count` bytes (`start` is known to begin it).
    private static func dropping(_ start: String, from text: String) -> Substring {
        Substring(text.utf8.dropFirst(start.utf8.count))
    }

    private static func components(_ text: Substring) -> [Substring] {
        text.split(separator: "/", omittingEmptySubsequences: false)
    }

    private static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
