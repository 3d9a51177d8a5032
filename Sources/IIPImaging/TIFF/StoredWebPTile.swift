import CWebP

/// Checks a WebP-compressed TIFF tile before it is sent as stored (codec pass-through for WebP, as iipsrv master
/// does, iipsrv-reference §3.3).
///
/// libtiff stores each WebP tile as a complete RIFF WebP file, so a whole tile can go out without decoding. The
/// bytes come from a file, so they are checked: the RIFF header, a RIFF length inside the stored bytes (anything
/// after it is dropped), and a picture of exactly the tile's size as libwebp reads it.
public enum StoredWebPTile {
    /// The WebP file in `stored`, or `nil` when the bytes are not one WebP picture of `width` x `height`.
    public static func file(_ stored: [UInt8], width: Int, height: Int) -> [UInt8]? {
        guard stored.count >= 20, stored[0..<4].elementsEqual(Array("RIFF".utf8)),
            stored[8..<12].elementsEqual(Array("WEBP".utf8))
        else { return nil }
        let riffLength = Int(stored[4]) | Int(stored[5]) << 8 | Int(stored[6]) << 16 | Int(stored[7]) << 24
        let total = riffLength + 8
        guard riffLength >= 12, riffLength % 2 == 0, total <= stored.count else { return nil }
        let file = total == stored.count ? stored : Array(stored[0..<total])
        var pictureWidth: Int32 = 0
        var pictureHeight: Int32 = 0
        let valid = file.withUnsafeBufferPointer {
            WebPGetInfo($0.baseAddress, $0.count, &pictureWidth, &pictureHeight)
        }
        guard valid != 0, Int(pictureWidth) == width, Int(pictureHeight) == height else { return nil }
        return file
    }
}
