/// One tile of a TIL answer in FlashPix framing (iipsrv-reference §3.4): `Tile,<resolution>,<tile>,0/<n+8>:`,
/// an 8-byte record header, the tile's `n` encoded bytes, then CR LF.
public enum IIPTileRecord {
    /// The media type of a TIL answer.
    public static let mediaType = "application/vnd.netfpx"

    /// What precedes a tile of `byteCount` encoded bytes.
    public static func header(resolution: Int, tile: Int, byteCount: Int) -> [UInt8] {
        Array("Tile,\(resolution),\(tile),0/\(byteCount + 8):".utf8) + [0x02, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00]
    }

    /// What follows each tile.
    public static let trailer: [UInt8] = [0x0D, 0x0A]
}
