#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An image sequence: one file per view, named `<prefix><path><FILENAME_PATTERN><hhh>_<vvv>.<ext>` with the
/// horizontal and vertical angles in three digits (iipsrv-reference §7.5). A multispectral sequence uses the
/// horizontal angle as the band number.
///
/// A requested path that is not a file is a sequence when exactly one file of its folder is named
/// `<name><pattern>000_090.<ext>`; the horizontal angles are then those of the files `<name><pattern><h>_090.<ext>`
/// and the vertical ones those of `<name><pattern>000_<v>.<ext>`, in numeric order. iipsrv finds them with glob;
/// this reader lists the folder and compares names literally, so nothing in a request is ever a pattern.
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

    /// Finds the sequence whose files start with `base` (prefix + path + pattern). A blocking call (reads the
    /// folder).
    ///
    /// - Parameter maxEntries: The most folder entries examined.
    package static func find(base: String, maxEntries: Int = 1 << 20) -> Result<ImageSequence, Failure> {
        guard let slash = base.utf8.lastIndex(of: UInt8(ascii: "/")) else { return .failure(.none) }
        let folder = String(base[...slash])
        let stem = String(base[base.index(after: slash)...])
        guard !stem.isEmpty else { return .failure(.none) }
        let names = regularFiles(in: folder, startingWith: stem, limit: maxEntries)
        let firstPrefix = stem + "000_090."
        let first = names.filter { $0.utf8.starts(with: firstPrefix.utf8) && $0.utf8.count > firstPrefix.utf8.count }
        guard !first.isEmpty else { return .failure(.none) }
        guard first.count == 1 else { return .failure(.multipleExtensions) }
        let fileExtension = String(decoding: first[0].utf8.dropFirst(firstPrefix.utf8.count), as: UTF8.self)
        let suffix = "." + fileExtension
        let horizontal = names.compactMap { angle(in: $0, after: stem, before: "_090" + suffix) }
        let vertical = names.compactMap { angle(in: $0, after: stem + "000_", before: suffix) }
        return .success(
            ImageSequence(
                base: base, fileExtension: fileExtension, horizontalAngles: Array(Set(horizontal)).sorted(),
                verticalAngles: Array(Set(vertical)).sorted()))
    }

    /// Zero-padded three-digit angles, `hhh_vvv`.
    static func angles(_ horizontal: Int, _ vertical: Int) -> String {
        pad(horizontal) + "_" + pad(vertical)
    }

    /// `value` as C's `%03d` writes it: at least three characters, the sign counting as one.
    private static func pad(_ value: Int) -> String {
        let digits = String(value.magnitude)
        let width = value < 0 ? 2 : 3
        let padded = String(repeating: "0", count: max(width - digits.count, 0)) + digits
        return value < 0 ? "-" + padded : padded
    }

    /// The decimal number (optionally negative) between `prefix` and `suffix` in `name`, or `nil`.
    private static func angle(in name: String, after prefix: String, before suffix: String) -> Int? {
        guard name.utf8.starts(with: prefix.utf8), name.utf8.reversed().starts(with: suffix.utf8.reversed()),
            name.utf8.count > prefix.utf8.count + suffix.utf8.count
        else { return nil }
        var middle = Substring(name.utf8.dropFirst(prefix.utf8.count).dropLast(suffix.utf8.count))
        let negative = middle.first == "-"
        if negative { middle = middle.dropFirst() }
        guard !middle.isEmpty, middle.utf8.count <= 9, middle.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int(middle)
        else { return nil }
        return negative ? -value : value
    }

    /// The names of the regular files in `folder` that start with `stem`, at most `limit` entries examined.
    private static func regularFiles(in folder: String, startingWith stem: String, limit: Int) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        var examined = 0
        while examined < limit, let entry = readdir(directory) {
            examined += 1
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // Bytes, not characters: Unicode-equivalent spellings are different files.
            guard name.utf8.starts(with: stem.utf8) else { continue }
            var status = stat()
            guard stat(folder + name, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            names.append(name)
        }
        return names
    }
}
