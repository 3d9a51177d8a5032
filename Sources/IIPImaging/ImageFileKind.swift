/// The container of an image file, recognised from its first bytes (iipsrv-reference §2.1 FIF).
public enum ImageFileKind: Sendable, Hashable {
    /// TIFF or BigTIFF, either byte order.
    case tiff
    /// A JPEG 2000 JP2 file (also JPX files that start like one).
    case jpeg2000
    /// A raw JPEG 2000 codestream (`.j2k`, `.j2c`, and HTJ2K `.jph` codestreams): SOC then SIZ.
    case jpeg2000Codestream
    /// A JPEG file.
    case jpeg

    /// Recognises the magic number at the start of `header` (10 bytes are enough), or returns `nil`.
    public init?(header: some Collection<UInt8>) {
        let bytes = Array(header.prefix(12))
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
            || bytes.starts(with: [0x49, 0x49, 0x2B, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2B])
        {
            self = .tiff
        } else if bytes.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A]) {
            self = .jpeg2000
        } else if bytes.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            self = .jpeg2000Codestream
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else {
            return nil
        }
    }
}
