/// One tile of a TIL answer in FlashPix framing (iipsrv-reference §3.4): `Tile,<resolution>,<tile>,0/<n+8>:`,
/// an 8-byte record header, the tile's `n` encoded bytes, then CR LF.
public enum IIPTileRecord {
    /// The media type of a TIL answer.
    public static let mediaType = "application/vnd.netfpx"

    /// What precedes a tile of `byteCount` encoded bytes, with the record's compression type (see
    /// ``compressionType(bitsPerSample:)``).
    public static func header(resolution: Int, tile: Int, byteCount: Int, compressionType: UInt8 = 2) -> [UInt8] {
        Array("Tile,\(resolution),\(tile),0/\(byteCount + 8):".utf8)
            + [compressionType, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00]
    }

    /// The compression type iipsrv 1.1 writes for an image of `bitsPerSample`-bit samples: 2 up to 8 bits, 3 up
    /// to 16, 0 beyond (checked against 1.1 on 8, 16 and 32-bit integer and float images).
    public static func compressionType(bitsPerSample: Int) -> UInt8 {
        switch bitsPerSample {
        case ...8: 2
        case ...16: 3
        default: 0
        }
    }

    /// What follows each tile.
    public static let trailer: [UInt8] = [0x0D, 0x0A]
}
