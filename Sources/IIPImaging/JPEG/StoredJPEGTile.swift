/// Rebuilds a standalone JPEG from a JPEG-compressed TIFF tile, without decoding it (codec pass-through,
/// iipsrv-reference §3.3).
///
/// A TIFF JPEG tile is an abbreviated stream: the quantisation and Huffman tables usually live once per directory in
/// the JPEGTables tag. The standalone image is the tables without their EOI followed by the tile without its SOI.
/// When the TIFF says the data is RGB (not YCbCr), an Adobe APP14 marker with transform 0 is added after SOI so that
/// decoders do not convert colours that were never converted.
public enum StoredJPEGTile {
    /// Why a stored tile cannot be passed through as it is.
    public enum Refusal: Error, Sendable, Hashable {
        /// The bytes are not a JPEG stream.
        case notJPEG
        /// Photometric RGB with subsampled components: the colours cannot be described to a decoder.
        case subsampledRGB
    }

    /// Joins `tables` (JPEGTables, may be empty) and `tile` (one stored tile) into a standalone JPEG.
    ///
    /// - Parameter rgb: The TIFF's Photometric is RGB, so the components are R, G, B rather than Y, Cb, Cr.
    public static func splice(tables: [UInt8], tile: [UInt8], rgb: Bool) throws(Refusal) -> [UInt8] {
        guard tile.count >= 4, tile[0] == 0xFF, tile[1] == 0xD8 else { throw .notJPEG }
        var output: [UInt8] = [0xFF, 0xD8]
        output.reserveCapacity(tables.count + tile.count + 16)
        if rgb {
            guard componentsAreFullResolution(tile) else { throw .subsampledRGB }
            // APP14 "Adobe", version 100, flags 0, 0, transform 0 (RGB, no colour conversion).
            output += [0xFF, 0xEE, 0x00, 0x0E, 0x41, 0x64, 0x6F, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]
        }
        if tables.count > 4, tables[0] == 0xFF, tables[1] == 0xD8 {
            var end = tables.count
            if tables[end - 2] == 0xFF, tables[end - 1] == 0xD9 { end -= 2 }
            output += tables[2..<end]
        }
        output += tile[2...]
        return output
    }

    /// Whether every component of the first frame header (SOF) has sampling factors 1x1.
    static func componentsAreFullResolution(_ jpeg: [UInt8]) -> Bool {
        var index = 2
        while index + 4 <= jpeg.count {
            guard jpeg[index] == 0xFF else { return false }
            let marker = jpeg[index + 1]
            if marker == 0xFF {
                index += 1
                continue
            }
            let length = Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3])
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                let components = index + 9 < jpeg.count ? Int(jpeg[index + 9]) : 0
                for component in 0..<components {
                    let factors = index + 11 + component * 3
                    guard factors < jpeg.count else { return false }
                    if jpeg[factors] != 0x11 { return false }
                }
                return components > 0
            }
            if marker == 0xDA { return false }
            index += 2 + length
        }
        return false
    }
}
