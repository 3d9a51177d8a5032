/// Builds the JPEG marker segments that carry metadata, and splices them into an encoded stream
/// (iipsrv-reference §6.6).
enum JPEGSegments {
    /// `ICC_PROFILE\0`, the APP2 identifier.
    static let iccIdentifier = Array("ICC_PROFILE".utf8) + [0]
    /// `http://ns.adobe.com/xap/1.0/\0`, the XMP APP1 identifier.
    static let xmpIdentifier = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]
    /// The largest payload of one segment: the 16-bit length counts itself.
    static let maxPayload = 65535 - 2
    /// The largest ICC chunk per APP2 marker: 65 519 bytes.
    static let maxICCChunk = maxPayload - iccIdentifier.count - 2
    /// The largest XMP packet that fits one APP1 marker: 65 504 bytes.
    static let maxXMP = maxPayload - xmpIdentifier.count

    /// `Exif\0\0`, the EXIF APP1 identifier.
    static let exifIdentifier = Array("Exif".utf8) + [0, 0]

    /// EXIF and XMP (APP1), ICC (APP2 chunks) and COM segments for `metadata`, in that order.
    static func metadataSegments(_ metadata: EncodingMetadata) -> [UInt8] {
        var output: [UInt8] = []
        if let exif = metadata.exif, !exif.isEmpty { appendSegment(0xE1, exifIdentifier + exif, to: &output) }
        if let xmp = metadata.xmpPacket {
            let packet = Array(xmp.utf8)
            if packet.count <= maxXMP { appendSegment(0xE1, xmpIdentifier + packet, to: &output) }
        }
        if let icc = metadata.icc {
            let chunkCount = (icc.count + maxICCChunk - 1) / maxICCChunk
            if chunkCount <= 255 {
                for index in 0..<chunkCount {
                    let start = index * maxICCChunk
                    let chunk = icc[start..<min(start + maxICCChunk, icc.count)]
                    appendSegment(0xE2, iccIdentifier + [UInt8(index + 1), UInt8(chunkCount)] + chunk, to: &output)
                }
            }
        }
        if !metadata.software.isEmpty {
            appendSegment(0xFE, Array(metadata.software.utf8.prefix(maxPayload)), to: &output)
        }
        return output
    }

    /// Appends marker `0xFF marker`, the big-endian length and `payload`; a payload longer than ``maxPayload``
    /// cannot be described by the 16-bit length and is left out.
    static func appendSegment(_ marker: UInt8, _ payload: [UInt8], to output: inout [UInt8]) {
        guard payload.count <= maxPayload else { return }
        let length = payload.count + 2
        output += [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)]
        output += payload
    }

    /// Inserts `segments` after the JFIF APP0 segment at the start of `jpeg`, or right after SOI when there is none.
    static func insertAfterJFIF(_ segments: [UInt8], into jpeg: inout [UInt8]) {
        guard jpeg.count >= 4, jpeg[0] == 0xFF, jpeg[1] == 0xD8 else { return }
        var offset = 2
        if jpeg[2] == 0xFF, jpeg[3] == 0xE0, jpeg.count >= 6 {
            let length = Int(jpeg[4]) << 8 | Int(jpeg[5])
            if 2 + 2 + length <= jpeg.count { offset = 2 + 2 + length }
        }
        jpeg.insert(contentsOf: segments, at: offset)
    }
}
