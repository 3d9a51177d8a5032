import CTIFF
public import IIPModel

/// The pages of a multi-page TIFF stack, found as iipsrv master finds them (iipsrv-reference §7.1).
///
/// A file is a stack when IFD 0 has SubIFDs and later top-level directories are pages (SubfileType 2): each page
/// is then a pyramid of its own, its reduced levels in its SubIFDs. Without SubIFDs, a file whose second directory
/// is a page of the first one's size is a stack of single-resolution pages: every top-level directory of that size.
/// Any other file is not a stack (its later directories are pyramid levels).
struct TIFFStack {
    /// One page: where its directory is, and its name and scale.
    struct Page {
        var offset: UInt64
        var layer: StackLayer
    }

    /// The pages, IFD 0 first; empty when the file is not a stack.
    var pages: [Page] = []
    /// Whether each page's reduced levels are in its SubIFDs (otherwise pages have one level).
    var pyramidsInSubIFDs = false

    /// Walks the top-level directories of `file` (at most `limits.maxDirectories`) and selects IFD 0 again.
    init(_ file: TIFFFile, limits: ImageLimits) throws(ImagingError) {
        struct Directory {
            var offset: UInt64
            var width: UInt32
            var height: UInt32
            var isPage: Bool
            var tiled: Bool
            var name: String?
            var scale: Double?
        }
        func current() -> Directory {
            Directory(
                offset: file.currentDirectoryOffset, width: file.u32(TIFFTAG_IMAGEWIDTH) ?? 0,
                height: file.u32(TIFFTAG_IMAGELENGTH) ?? 0,
                isPage: (file.u32(TIFFTAG_SUBFILETYPE) ?? 0) & UInt32(FILETYPE_PAGE) != 0, tiled: file.isTiled,
                name: file.string(TIFFTAG_DOCUMENTNAME), scale: file.double(TIFFTAG_STONITS))
        }
        let first = current()
        let hasSubIFDs = !file.subIFDOffsets().isEmpty
        var directories = [first]
        while directories.count < max(limits.maxDirectories, 1), file.readNextDirectory() {
            directories.append(current())
        }
        try file.select(directoryAt: first.offset)
        guard directories.count >= 2 else { return }
        let chosen: [Directory]
        if hasSubIFDs {
            chosen = [first] + directories.dropFirst().filter { $0.isPage && $0.tiled }
        } else if directories[1].isPage, directories[1].width == first.width, directories[1].height == first.height {
            chosen = directories.filter { $0.tiled && $0.width == first.width && $0.height == first.height }
        } else {
            return
        }
        guard chosen.count >= 2 else { return }
        pyramidsInSubIFDs = hasSubIFDs
        pages = chosen.enumerated().map { index, directory in
            let scale = directory.scale.flatMap { $0.isFinite ? $0 : nil } ?? 1
            let name = directory.name ?? ""
            return Page(offset: directory.offset, layer: StackLayer(index: index, name: name, scale: scale))
        }
    }
}
