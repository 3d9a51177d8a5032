public import IIPModel

/// Embeds metadata in a tile sent as stored (codec pass-through), so that a viewer gets the same ICC profile, XMP
/// and EXIF whether a tile was decoded and encoded again or not (iipsrv-reference §3.3, §6.6).
///
/// Nothing is added when `metadata` holds no ICC profile, XMP packet or EXIF block: the stored bytes go out
/// unchanged. Otherwise the same segments or chunks the encoders write are added: JPEG APP1/APP2 segments (and the
/// COM marker) right after SOI, or WebP `ICCP`, `XMP ` and `EXIF` chunks under a VP8X header, through libwebp's mux.
public enum StoredTileMetadata {
    /// `stored` (a whole JPEG or WebP file in `format`) with `metadata`'s ICC, XMP and EXIF embedded.
    ///
    /// - Throws: ``ImagingError/encodeFailed(_:)`` when libwebp cannot rebuild the file.
    public static func embedding(
        _ metadata: EncodingMetadata, in stored: [UInt8], format: OutputFormat
    ) throws(ImagingError) -> [UInt8] {
        let xmp = metadata.xmpPacket.map { Array($0.utf8) }
        let exif = metadata.exif.flatMap { $0.isEmpty ? nil : $0 }
        guard metadata.icc != nil || xmp != nil || exif != nil else { return stored }
        switch format {
        case .jpeg:
            var jpeg = stored
            JPEGSegments.insertAfterJFIF(JPEGSegments.metadataSegments(metadata), into: &jpeg)
            return jpeg
        case .webp:
            return try WebPEncoder.addChunks(to: stored, icc: metadata.icc, xmp: xmp, exif: exif)
        default:
            return stored
        }
    }
}
