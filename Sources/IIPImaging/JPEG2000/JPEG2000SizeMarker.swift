/// The image and tile sizes of a JPEG 2000 codestream's SIZ marker segment (ISO/IEC 15444-1 A.5.1), read from
/// the file before OpenJPEG sees it, so that a header claiming absurd sizes is refused before OpenJPEG allocates
/// per-tile structures for it.
struct JPEG2000SizeMarker: Sendable, Hashable {
    /// Reference grid width and height (Xsiz, Ysiz).
    var width: Int
    var height: Int
    /// Image origin on the grid (XOsiz, YOsiz).
    var originX: Int
    var originY: Int
    /// Codestream tile size and origin (XTsiz, YTsiz, XTOsiz, YTOsiz).
    var tileWidth: Int
    var tileHeight: Int
    var tileOriginX: Int
    var tileOriginY: Int
    /// Number of components (Csiz).
    var components: Int

    /// The number of codestream tiles, or `nil` when the sizes are inconsistent.
    var tileCount: Int? {
        guard tileWidth > 0, tileHeight > 0, width > tileOriginX, height > tileOriginY else { return nil }
        let across = (width - tileOriginX + tileWidth - 1) / tileWidth
        let down = (height - tileOriginY + tileHeight - 1) / tileHeight
        return Int.checkedProduct(across, down)
    }

    /// Reads the marker at `offset` (the start of the codestream: SOC, then SIZ), or `nil` when it is not there.
    init?(reading file: OpenJPEGFileReader, at offset: Int) {
        let bytes = file.read(at: offset, count: 42)
        guard bytes.count == 42, bytes[0] == 0xFF, bytes[1] == 0x4F, bytes[2] == 0xFF, bytes[3] == 0x51 else {
            return nil
        }
        func u32(_ index: Int) -> Int {
            Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        }
        width = u32(8)
        height = u32(12)
        originX = u32(16)
        originY = u32(20)
        tileWidth = u32(24)
        tileHeight = u32(28)
        tileOriginX = u32(32)
        tileOriginY = u32(36)
        components = Int(bytes[40]) << 8 | Int(bytes[41])
    }
}
