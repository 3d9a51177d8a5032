#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An image sequence: one file per view, named `<prefix><path><FILENAME_PATTERN><hhh>_<vvv>.<ext>` with the
/// horizontal and vertical angles in three digits (iipsrv-reference §7.5). A multispectral sequence uses the
/// horizontal angle as the band number.
///
/// A requested path that is not a file is a sequence when exactly one file matches `...<pattern>000_090.*`; the
/// horizontal angles are then those of the files `...<pattern>*_090.<ext>` and the vertical ones those of
/// `...<pattern>000_*.<ext>`, in numeric order. Glob characters in the requested path are escaped, so a request
/// names files, never patterns.
package struct ImageSequence: Sendable, Hashable {
    /// The path up to the angles: prefix, requested path and pattern.
    package var base: String
    /// The extension shared by every file of the sequence, without the dot.
    package var fileExtension: String
    /// Horizontal angles (or bands), ascending.
    package var horizontalAngles: [Int]
    /// Vertical angles, ascending.
    package var verticalAngles: [Int]

    /// Why a path is not a usable sequence.
    package enum Failure: Error, Sendable, Hashable {
        /// No file matches.
        case none
        /// Files with several extensions match.
        case multipleExtensions
    }

    /// The file of one view.
    package func path(horizontal: Int, vertical: Int) -> String {
        base + Self.angles(horizontal, vertical) + "." + fileExtension
    }

    /// The file of the first view (`000_090`), whose description and time stamp stand for the sequence.
    package var firstPath: String { path(horizontal: 0, vertical: 90) }

    /// Finds the sequence whose files start with `base` (prefix + path + pattern). A blocking call (glob).
    ///
    /// - Parameter maxFiles: The most files examined per listing.
    package static func find(base: String, maxFiles: Int = 4096) -> Result<ImageSequence, Failure> {
        let escaped = escape(base)
        let first = matches(escaped + "000_090.*", limit: maxFiles)
        guard !first.isEmpty else { return .failure(.none) }
        guard first.count == 1, let dot = first[0].lastIndex(of: "."), first[0].hasPrefix(base) else {
            return .failure(.multipleExtensions)
        }
        let fileExtension = String(first[0][first[0].index(after: dot)...])
        let suffix = "." + fileExtension
        let horizontal = matches(escaped + "*_090" + escape(suffix), limit: maxFiles).compactMap {
            angle(in: $0, after: base, before: "_090" + suffix)
        }
        let vertical = matches(escaped + "000_*" + escape(suffix), limit: maxFiles).compactMap {
            angle(in: $0, after: base + "000_", before: suffix)
        }
        return .success(
            ImageSequence(
                base: base, fileExtension: fileExtension, horizontalAngles: Array(Set(horizontal)).sorted(),
                verticalAngles: Array(Set(vertical)).sorted()))
    }

    /// Zero-padded three-digit angles, `hhh_vvv`.
    static func angles(_ horizontal: Int, _ vertical: Int) -> String {
        pad(horizontal) + "_" + pad(vertical)
    }

    private static func pad(_ value: Int) -> String {
        let digits = String(abs(value))
        let padded = String(repeating: "0", count: max(3 - digits.count, 0)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// The decimal number between `prefix` and `suffix` in `path`, or `nil`.
    private static func angle(in path: String, after prefix: String, before suffix: String) -> Int? {
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.utf8.count >= prefix.utf8.count + suffix.utf8.count
        else { return nil }
        let middle = path.utf8.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count)
        guard !middle.isEmpty, middle.count <= 9, middle.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(String(decoding: middle, as: UTF8.self))
    }

    /// `text` with glob's special characters escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    /// The regular files matching `pattern`, at most `limit`.
    private static func matches(_ pattern: String, limit: Int) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<min(Int(result.gl_pathc), limit) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            var status = stat()
            guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            paths.append(path)
        }
        return paths
    }
}
