import CIIPShims
import CTIFF
public import IIPModel

/// The compression of a TIFF the server writes (iipsrv's TIFF_COMPRESSION, or the `comp` of QLT `comp:q`).
public enum TIFFOutputCompression: String, Sendable, Hashable, CaseIterable {
    /// Uncompressed.
    case none
    /// LZW.
    case lzw
    /// Adobe Deflate (zlib).
    case deflate
    /// JPEG (8-bit only).
    case jpeg
    /// WebP (8-bit only; grey is stored as RGB).
    case webp
    /// Zstandard.
    case zstd

    /// The compression for a TIFF_COMPRESSION value: 0 none, 1 LZW, 2 Deflate, 3 JPEG, 4 WebP.
    ///
    /// Like iipsrv, any other value (Zstd's 5 included) means none (iipsrv-reference §6.7).
    public init(iipsrvCode: Int) {
        switch iipsrvCode {
        case 1: self = .lzw
        case 2: self = .deflate
        case 3: self = .jpeg
        case 4: self = .webp
        default: self = .none
        }
    }

    /// The compression a QLT `comp` name selects (case-insensitive); an unknown name means none, as in iipsrv.
    public init(name: String) {
        self = Self(rawValue: name.lowercased()) ?? .none
    }
}

/// Encodes a TIFF in memory with libtiff: one image in a single strip (iipsrv-reference §6.7).
///
/// Takes 8- or 16-bit unsigned samples with 1 to 4 channels. Unlike iipsrv, which always writes RGB, grey data is
/// written as MinIsBlack (1-2 channels) and colour as RGB (3-4 channels); a second or fourth channel is marked as
/// unassociated alpha. JPEG and WebP compression take 8-bit samples only; WebP stores grey as RGB, and colour JPEG
/// without alpha is stored as YCbCr.
///
/// Embeds (iipsrv-reference §6.6) XResolution, YResolution and ResolutionUnit, ICCProfile, XMLPacket, Software,
/// Artist, Copyright, DateTime, ImageDescription, DocumentName, PageName, Make and Model.
public struct TIFFEncoder: ImageEncoder {
    /// The compression.
    public var compression: TIFFOutputCompression
    /// Deflate level (clamped to 0-9), Zstd level (1-19), JPEG quality (1-100) or WebP quality (1-100, below 1
    /// lossless); ignored for none and LZW.
    public var quality: Int

    /// Creates an encoder; iipsrv's defaults are Deflate at level 1.
    public init(compression: TIFFOutputCompression = .deflate, quality: Int = 1) {
        self.compression = compression
        self.quality = quality
    }

    /// The format written.
    public var format: OutputFormat { .tiff }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("TIFF", bits: [8, 16], channels: 1...4, maxSide: OutputFormat.tiff.maxSide)
        var stored = pixels
        switch compression {
        case .jpeg, .webp:
            guard pixels.bitsPerSample == 8 else {
                throw .encodeFailed("TIFF \(compression.rawValue) compression needs 8-bit samples")
            }
            if compression == .webp, pixels.channels <= 2 {
                stored = pixels.selectingBands(pixels.channels == 1 ? [0, 0, 0] : [0, 0, 0, 1])
            }
        default: break
        }

        let messages = UnsafeMutablePointer<iip_tiff_messages>.allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        defer { messages.deallocate() }
        guard let memory = iip_tiff_memory_create(nil, 0) else { throw .encodeFailed("TIFF: out of memory") }
        defer { iip_tiff_memory_free(memory) }
        // classic TIFF holds offsets below 4 GiB; leave room for the directory and tags
        let mode = stored.bytes.count > 4_000_000_000 ? "w8" : "w"
        guard let tif = iip_tiff_memory_open(memory, mode, messages) else {
            throw .encodeFailed("TIFF: " + Self.message(messages, or: "cannot open a memory TIFF"))
        }
        var closed = false
        defer { if !closed { TIFFClose(tif) } }

        setFields(tif, stored, metadata)
        let written = stored.bytes.withUnsafeBytes { raw in
            TIFFWriteEncodedStrip(tif, 0, UnsafeMutableRawPointer(mutating: raw.baseAddress), tmsize_t(raw.count))
        }
        guard written >= 0, messages.pointee.error_count == 0 else {
            throw .encodeFailed("TIFF: " + Self.message(messages, or: "cannot write the strip"))
        }
        guard TIFFWriteDirectory(tif) == 1 else {
            throw .encodeFailed("TIFF: " + Self.message(messages, or: "cannot write the directory"))
        }
        TIFFClose(tif)
        closed = true
        guard messages.pointee.error_count == 0 else { throw .encodeFailed("TIFF: " + Self.message(messages, or: "")) }
        var length = 0
        guard let bytes = iip_tiff_memory_take(memory, &length) else { throw .encodeFailed("TIFF: nothing written") }
        defer { iip_free(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    private func setFields(_ tif: OpaquePointer, _ pixels: PixelBuffer, _ metadata: EncodingMetadata) {
        func set(_ tag: Int32, _ value: Int) { _ = iip_tiff_set_int(tif, UInt32(tag), Int32(clamping: value)) }
        func set(_ tag: Int32, _ value: String?) {
            if let value = EncodingMetadata.nonEmpty(value) { _ = iip_tiff_set_string(tif, UInt32(tag), value) }
        }
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(pixels.width))
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(pixels.height))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(pixels.bitsPerSample))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), UInt16(pixels.channels))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), UInt16(SAMPLEFORMAT_UINT))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_ORIENTATION), UInt16(ORIENTATION_TOPLEFT))
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(pixels.height))
        if pixels.channels == 2 || pixels.channels == 4 {
            let extra: [UInt16] = [UInt16(EXTRASAMPLE_UNASSALPHA)]
            _ = iip_tiff_set_extrasamples(tif, 1, extra)
        }
        var photometric = pixels.channels >= 3 ? Int(PHOTOMETRIC_RGB) : Int(PHOTOMETRIC_MINISBLACK)
        switch compression {
        case .none: set(TIFFTAG_COMPRESSION, Int(COMPRESSION_NONE))
        case .lzw: set(TIFFTAG_COMPRESSION, Int(COMPRESSION_LZW))
        case .deflate:
            set(TIFFTAG_COMPRESSION, Int(COMPRESSION_ADOBE_DEFLATE))
            set(TIFFTAG_ZIPQUALITY, min(max(quality, 0), 9))
        case .zstd:
            set(TIFFTAG_COMPRESSION, Int(COMPRESSION_ZSTD))
            set(TIFFTAG_ZSTD_LEVEL, min(max(quality, 1), 19))
        case .jpeg:
            set(TIFFTAG_COMPRESSION, Int(COMPRESSION_JPEG))
            set(TIFFTAG_JPEGQUALITY, min(max(quality, 1), 100))
            if pixels.channels == 3 { photometric = Int(PHOTOMETRIC_YCBCR) }
        case .webp:
            set(TIFFTAG_COMPRESSION, Int(COMPRESSION_WEBP))
            if quality < 1 {
                set(TIFFTAG_WEBP_LOSSLESS, 1)
            } else {
                set(TIFFTAG_WEBP_LEVEL, min(quality, 100))
            }
        }
        set(TIFFTAG_PHOTOMETRIC, photometric)
        if photometric == Int(PHOTOMETRIC_YCBCR) { set(TIFFTAG_JPEGCOLORMODE, Int(JPEGCOLORMODE_RGB)) }

        if let density = metadata.density, density.x.isFinite, density.y.isFinite, density.x > 0, density.y > 0 {
            let unit: Int =
                switch density.unit {
                case .inch: Int(RESUNIT_INCH)
                case .centimetre: Int(RESUNIT_CENTIMETER)
                case .none: Int(RESUNIT_NONE)
                }
            _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), density.x)
            _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), density.y)
            set(TIFFTAG_RESOLUTIONUNIT, unit)
        }
        if let icc = metadata.icc, icc.count <= Int(UInt32.max) {
            _ = iip_tiff_set_bytes(tif, UInt32(TIFFTAG_ICCPROFILE), UInt32(icc.count), icc)
        }
        if let xmp = metadata.xmpPacket, xmp.utf8.count <= Int(UInt32.max) {
            let bytes = Array(xmp.utf8)
            _ = iip_tiff_set_bytes(tif, UInt32(TIFFTAG_XMLPACKET), UInt32(bytes.count), bytes)
        }
        let fields = metadata.fields
        set(TIFFTAG_SOFTWARE, EncodingMetadata.nonEmpty(metadata.software) ?? fields.software)
        set(TIFFTAG_ARTIST, fields.creator)
        set(TIFFTAG_COPYRIGHT, fields.rights)
        set(TIFFTAG_DATETIME, fields.date)
        set(TIFFTAG_IMAGEDESCRIPTION, fields.description)
        set(TIFFTAG_DOCUMENTNAME, fields.title)
        set(TIFFTAG_PAGENAME, fields.pageName)
        set(TIFFTAG_MAKE, fields.make)
        set(TIFFTAG_MODEL, fields.model)
    }

    private static func message(_ messages: UnsafeMutablePointer<iip_tiff_messages>, or fallback: String) -> String {
        guard messages.pointee.error_count > 0 else { return fallback }
        return withUnsafeBytes(of: &messages.pointee.last_error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
