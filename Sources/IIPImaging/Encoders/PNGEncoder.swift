import CIIPShims
public import IIPModel

/// Encodes PNG with libpng as iipsrv does: zlib level from PNG_QUALITY, libpng's fast filters
/// (iipsrv-reference §6.7).
///
/// Takes 8- or 16-bit unsigned samples with 1 to 4 channels (grey, grey + alpha, RGB, RGBA) and embeds
/// (iipsrv-reference §6.6):
/// - the ICC profile as iCCP (libpng drops a profile it finds invalid or of the wrong colour space);
/// - XMP as iTXt `XML:com.adobe.xmp`;
/// - EXIF (from JPEG sources) as eXIf;
/// - the density as pHYs in pixels per metre (an aspect ratio only when the density has no unit);
/// - Software, Title, Author, Description, Copyright and Creation Time text chunks (tEXt, or iTXt when a value is
///   not ASCII).
///
/// The libpng calls run in C (`iip_png_encode`), because libpng reports errors with `longjmp`.
public struct PNGEncoder: ImageEncoder {
    /// zlib compression level 0-9; values outside are clamped.
    public var compressionLevel: Int

    /// Creates an encoder; iipsrv's PNG_QUALITY default is 1.
    public init(compressionLevel: Int = 1) {
        self.compressionLevel = compressionLevel
    }

    /// The format written.
    public var format: OutputFormat { .png }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("PNG", bits: [8, 16], channels: 1...4, maxSide: OutputFormat.png.maxSide)
        let icc = metadata.icc ?? []
        let xmp = metadata.xmpPacket.map { Array($0.utf8) } ?? []
        let texts = Self.textPairs(metadata)
        let exif = metadata.exif ?? []
        var options = iip_png_options()
        options.compression_level = Int32(min(max(compressionLevel, 0), 9))
        if let density = metadata.density, let phys = Self.phys(density) {
            options.has_phys = 1
            options.phys_x = phys.x
            options.phys_y = phys.y
            options.phys_unit_metre = phys.metre ? 1 : 0
        }
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.bytes.withUnsafeBytes { source -> Int32 in
            icc.withUnsafeBufferPointer { iccBytes -> Int32 in
                xmp.withUnsafeBufferPointer { xmpBytes -> Int32 in
                    texts.withUnsafeBufferPointer { textBytes -> Int32 in
                        exif.withUnsafeBufferPointer { exifBytes -> Int32 in
                            "ICC profile".withCString { iccName -> Int32 in
                                options.exif = exifBytes.isEmpty ? nil : exifBytes.baseAddress
                                options.exif_length = exifBytes.count
                                options.icc = iccBytes.isEmpty ? nil : iccBytes.baseAddress
                                options.icc_length = iccBytes.count
                                options.icc_name = iccName
                                options.xmp =
                                    xmpBytes.isEmpty
                                    ? nil
                                    : UnsafeRawPointer(xmpBytes.baseAddress!)
                                        .assumingMemoryBound(to: CChar.self)
                                options.xmp_length = xmpBytes.count
                                options.text_pairs = textBytes.isEmpty ? nil : textBytes.baseAddress
                                options.text_pairs_length = textBytes.count
                                return iip_png_encode(
                                    source.baseAddress, UInt32(pixels.width), UInt32(pixels.height),
                                    Int32(pixels.channels), Int32(pixels.bitsPerSample), &options, &output, &length,
                                    &message, message.count)
                            }
                        }
                    }
                }
            }
        }
        defer { iip_free(output) }
        guard status == 1, let output else {
            throw .encodeFailed("PNG: " + String(decoding: message.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self))
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// The text chunks as `key\0value\0...`, with NULs removed from values.
    static func textPairs(_ metadata: EncodingMetadata) -> [CChar] {
        let fields = metadata.fields
        let entries: [(String, String?)] = [
            ("Software", EncodingMetadata.nonEmpty(metadata.software)),
            ("Title", EncodingMetadata.nonEmpty(fields.title)),
            ("Author", EncodingMetadata.nonEmpty(fields.creator)),
            ("Description", EncodingMetadata.nonEmpty(fields.description)),
            ("Copyright", EncodingMetadata.nonEmpty(fields.rights)),
            ("Creation Time", EncodingMetadata.nonEmpty(fields.date)),
        ]
        var pairs: [CChar] = []
        for case (let key, let value?) in entries {
            pairs += key.utf8.map { CChar(bitPattern: $0) } + [0]
            pairs += value.utf8.filter { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
        }
        return pairs
    }

    /// pHYs values: pixels per metre when the density has a unit, else the bare aspect ratio.
    static func phys(_ density: PhysicalResolution) -> (x: UInt32, y: UInt32, metre: Bool)? {
        let metre = density.unit != .none
        let values = density.pixelsPerMetre
        guard values.x.isFinite, values.y.isFinite else { return nil }
        let x = values.x.rounded()
        let y = values.y.rounded()
        guard x >= 1, y >= 1, x <= 2_147_483_647, y <= 2_147_483_647 else { return nil }
        return (UInt32(x), UInt32(y), metre)
    }
}
