import IIPImaging
import IIPPipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lists the image files under FILESYSTEM_PREFIX for the viewer: files whose extension names a format the server
/// reads and whose first bytes confirm it (``ImageFileKind``), sorted, within ``ImageCatalogLimits``.
///
/// Nothing outside the prefix is ever listed or looked at: `.` and `..` entries are skipped, and a symbolic link is
/// followed only when it stays inside the prefix, checked by ``PrefixConfinement`` before its target is examined. Hidden entries (names starting with `.`) are
/// skipped. Every call blocks on the filesystem: run ``scan()`` on the codec executor.
struct ImageCatalog: Sendable {
    /// FILESYSTEM_PREFIX.
    let prefix: String
    /// FILESYSTEM_SUFFIX: when set, only files ending in it are listed, and it is removed from their identifiers.
    let suffix: String
    /// The bounds of one listing.
    let limits: ImageCatalogLimits

    /// File name extensions (lower case) of the formats the server opens.
    static let extensions: Set<String> = [
        "tif", "tiff", "ptif", "ptiff", "tf8", "btf", "jp2", "jpx", "j2k", "j2c", "jph", "jpg", "jpeg",
    ]

    /// Reads the folder tree; blocking.
    func scan() -> ImageCatalogScan {
        guard !prefix.isEmpty else {
            return ImageCatalogScan(
                identifiers: [], truncated: false,
                problem: "FILESYSTEM_PREFIX is not set, so there is no folder to list; open an image by its path.")
        }
        guard prefix.hasSuffix("/") else {
            return ImageCatalogScan(
                identifiers: [], truncated: false,
                problem:
                    "FILESYSTEM_PREFIX does not end in /, so it is not a folder to list; open an image by its path.")
        }
        guard !prefix.contains("://") else {
            return ImageCatalogScan(
                identifiers: [], truncated: false,
                problem: "FILESYSTEM_PREFIX is a remote store, whose images are not listed; open an image by its path.")
        }
        let confinement = PrefixConfinement(prefix: prefix)
        guard confinement.canonicalRoot != nil else {
            return ImageCatalogScan(
                identifiers: [], truncated: false, problem: "FILESYSTEM_PREFIX cannot be read.")
        }
        var found: [String] = []
        var examined = 0
        var truncated = false
        var pending: [(folder: String, depth: Int)] = [("", 0)]
        walk: while let (folder, depth) = pending.popLast() {
            for name in Self.entries(of: prefix + folder) {
                examined += 1
                if examined > limits.maxEntries {
                    truncated = true
                    break walk
                }
                let relative = folder + name
                switch kind(of: prefix + relative, confinement: confinement) {
                case .folder where depth < limits.maxDepth:
                    pending.append((relative + "/", depth + 1))
                case .file where isImage(name: name, path: prefix + relative):
                    found.append(String(relative.dropLast(suffix.utf8.count)))
                default:
                    break
                }
            }
        }
        return ImageCatalogScan(identifiers: found.sorted(), truncated: truncated, problem: nil)
    }

    private enum EntryKind {
        case folder, file, other
    }

    /// What `path` is, following a symbolic link only when it stays inside the prefix.
    private func kind(of path: String, confinement: PrefixConfinement) -> EntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .other }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            guard confinement.contains(path), stat(path, &info) == 0 else { return .other }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .folder
        case S_IFREG: return .file
        default: return .other
        }
    }

    /// Whether a regular file is one the server opens: the suffix, a known extension, then its magic number.
    private func isImage(name: String, path: String) -> Bool {
        guard name.hasSuffix(suffix), name.utf8.count > suffix.utf8.count,
            let dot = name.lastIndex(of: "."), Self.extensions.contains(name[name.index(after: dot)...].lowercased())
        else { return false }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 12)
        let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 12) }
        return count > 0 && ImageFileKind(header: header.prefix(count)) != nil
    }

    /// The names in a folder, without `.`, `..` and hidden entries; empty when it cannot be read.
    private static func entries(of folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }

}
