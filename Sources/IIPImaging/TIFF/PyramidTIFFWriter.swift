import CIIPShims
import CTIFF
public import IIPModel

/// Writes tiled multi-resolution TIFFs: the demo image, and the fixtures the tests generate.
///
/// Each level is the previous one halved (rounding down) with a 2x2 box filter, until a level fits in one tile
/// (palette indices are subsampled instead: averaging indices would mix unrelated colours).
///
/// Every sample layout ``PyramidTIFF`` reads can be written: 8 and 16-bit integers (unsigned or signed), 2-14-bit
/// packed ones (``packedBits``), 32-bit integers and floats, 64-bit floats (``float64``), any number of bands,
/// interleaved or in separate planes (``planarSeparate``), and palette colour (``colorMap``).
public struct PyramidTIFFWriter: Sendable {
    /// A palette image's ColorMap: red, green and blue, 16 bits each, one entry per index.
    public struct ColorMap: Sendable, Hashable {
        /// Red of each index.
        public var red: [UInt16]
        /// Green of each index.
        public var green: [UInt16]
        /// Blue of each index.
        public var blue: [UInt16]

        /// Creates a ColorMap; the three arrays must have the same length, at most 2^bits of the indices.
        public init(red: [UInt16], green: [UInt16], blue: [UInt16]) {
            self.red = red
            self.green = green
            self.blue = blue
        }
    }

    /// Tile compression.
    public enum Compression: Sendable, Hashable {
        /// Uncompressed.
        case none
        /// JPEG at a quality; colour is stored as YCbCr unless ``PyramidTIFFWriter/jpegAsRGB`` is set.
        case jpeg(quality: Int)
        /// Adobe Deflate.
        case deflate
        /// LZW.
        case lzw
        /// Zstandard.
        case zstd
        /// WebP at a quality.
        case webp(quality: Int)
    }

    /// Where the reduced levels go.
    public enum Layout: Sendable, Hashable {
        /// Successive top-level IFDs (classic pyramid TIFF, as vips writes).
        case ifds
        /// SubIFDs of the first IFD (OME-TIFF style).
        case subIFDs
        /// One untiled, stripped image without reduced levels (not servable: for tests).
        case stripped
    }

    /// Tile size of every level unless ``levelTileSizes`` says otherwise.
    public var tileSize: Int = 256
    /// Tile size per level, full resolution first; missing entries use ``tileSize``.
    public var levelTileSizes: [Int] = []
    /// Tile compression.
    public var compression: Compression = .deflate
    /// Where the reduced levels go.
    public var layout: Layout = .ifds
    /// Write BigTIFF instead of classic TIFF.
    public var bigTIFF = false
    /// Write big-endian (Motorola, `MM`) byte order instead of the machine's.
    public var bigEndian = false
    /// For JPEG compression of colour images: store RGB (Photometric 2) instead of YCbCr.
    public var jpegAsRGB = false
    /// Text fields to write.
    public var metadata = ImageMetadata()
    /// Pixel density to record.
    public var resolution: PhysicalResolution?
    /// Store the data as MinIsWhite (inverted) instead of MinIsBlack; grey images only.
    public var minIsWhite = false
    /// An ICC profile to embed (ICCProfile tag).
    public var iccProfile: [UInt8]?
    /// Explicit SMinSampleValue / SMaxSampleValue tags.
    public var sampleRange: (minimum: Double, maximum: Double)?
    /// Label 3-channel samples CIELab (Photometric 8: L unsigned, a and b signed, as the caller stored them)
    /// instead of RGB; not with JPEG compression.
    public var cieLab = false
    /// Store 2-14-bit samples: the pixels (8-bit for up to 8 bits, 16-bit above) hold values below
    /// `2^packedBits`, written packed MSB-first with BitsPerSample = `packedBits`; not with JPEG compression.
    /// With ``colorMap``, 1, 2 or 4-bit palette indices.
    public var packedBits: Int?
    /// Store each band in a plane of its own (PlanarConfiguration 2, every band's tiles after the previous band's)
    /// instead of interleaving them; not with JPEG compression.
    public var planarSeparate = false
    /// Store 32-bit float pixels as 64-bit IEEE floats (BitsPerSample 64); every value widens exactly.
    public var float64 = false
    /// Store 1-channel unsigned pixels (8 or 16-bit, or ``packedBits`` 1, 2 or 4) as palette indices
    /// (Photometric 3) with this ColorMap, padded with black to 2^bits entries; not with JPEG compression.
    public var colorMap: ColorMap?

    /// Creates a writer with the defaults: 256-pixel tiles, Deflate, IFD pyramid, classic TIFF.
    public init() {}

    /// Writes `pixels` and its reduced levels to `path`.
    ///
    /// The pixels may have any number of channels up to 65,535 (1 is grey, 3 RGB, 2 and 4 add an alpha band, 5 or
    /// more are grey with unspecified extra bands, as multispectral files store them) of 8 or 16-bit integers,
    /// unsigned or signed, or 32-bit integers or floats.
    ///
    /// - Throws: ``ImagingError/encodeFailed(_:)`` for other pixels or options that do not go together, an empty
    ///   image, sizes beyond TIFF's 32-bit fields, tile sizes outside 16...65536 or not a multiple of 16, or a
    ///   libtiff failure.
    public func write(_ pixels: PixelBuffer, to path: String) throws(ImagingError) {
        guard [8, 16, 32].contains(pixels.bitsPerSample), (1...65535).contains(pixels.channels),
            pixels.sampleFormat != .floatingPoint || pixels.bitsPerSample == 32, pixels.isConsistent,
            pixels.width > 0, pixels.height > 0, pixels.width <= Int(UInt32.max), pixels.height <= Int(UInt32.max)
        else {
            throw .encodeFailed(
                "cannot write \(pixels.width)x\(pixels.height)x\(pixels.channels) \(pixels.bitsPerSample)-bit pixels")
        }
        try checkOptions(for: pixels)
        let sides = [tileSize] + levelTileSizes
        guard sides.allSatisfy({ $0 >= 16 && $0 <= 65536 && $0 % 16 == 0 }) else {
            throw .encodeFailed("tile sizes must be multiples of 16 from 16 to 65536: \(sides)")
        }
        let messages = UnsafeMutablePointer<iip_tiff_messages>.allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        defer { messages.deallocate() }
        guard let tif = iip_tiff_open(path, openMode, messages, 0) else {
            throw .unreadable(path: path, reason: "cannot create")
        }
        defer { TIFFClose(tif) }

        var levels = [pixels]
        if layout != .stripped {
            while let last = levels.last,
                last.width > tileSize(for: levels.count - 1)
                    || last.height > tileSize(for: levels.count - 1), last.width > 1 || last.height > 1
            {
                levels.append(Self.halve(last, nearest: colorMap != nil))
            }
        }
        for (index, level) in levels.enumerated() {
            if index == 0, layout == .subIFDs, levels.count > 1 {
                let offsets = [UInt64](repeating: 0, count: levels.count - 1)
                _ = iip_tiff_set_subifds(tif, UInt16(offsets.count), offsets)
            }
            try writeDirectory(tif, level, index: index, fullWidth: pixels.width, messages: messages)
        }
    }

    /// One page of a stack: its pixels, and the DocumentName and STONITS scale written with it.
    public struct StackPage: Sendable {
        /// The page's full-resolution pixels.
        public var pixels: PixelBuffer
        /// DocumentName, or `nil` for none.
        public var name: String?
        /// STONITS, or `nil` for none.
        public var scale: Double?

        /// Creates a page.
        public init(pixels: PixelBuffer, name: String? = nil, scale: Double? = nil) {
            self.pixels = pixels
            self.name = name
            self.scale = scale
        }
    }

    /// Writes a multi-page stack (iipsrv-reference §7.1): one top-level directory per page with SubfileType page;
    /// with the `.subIFDs` layout each page's reduced levels go into its SubIFDs, otherwise pages have one level.
    public func writeStack(_ pages: [StackPage], to path: String) throws(ImagingError) {
        guard let first = pages.first?.pixels, first.bitsPerSample == 8 || first.bitsPerSample == 16,
            (1...4).contains(first.channels), pages.allSatisfy({ $0.pixels.isConsistent })
        else { throw .encodeFailed("cannot write this stack") }
        let messages = UnsafeMutablePointer<iip_tiff_messages>.allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        defer { messages.deallocate() }
        guard let tif = iip_tiff_open(path, openMode, messages, 0) else {
            throw .unreadable(path: path, reason: "cannot create")
        }
        defer { TIFFClose(tif) }
        for page in pages {
            var levels = [page.pixels]
            if layout == .subIFDs {
                while let last = levels.last, last.width > tileSize || last.height > tileSize {
                    levels.append(Self.halve(last))
                }
                if levels.count > 1 {
                    let offsets = [UInt64](repeating: 0, count: levels.count - 1)
                    _ = iip_tiff_set_subifds(tif, UInt16(offsets.count), offsets)
                }
            }
            for (index, level) in levels.enumerated() {
                try writeDirectory(
                    tif, level, index: index, fullWidth: page.pixels.width, messages: messages,
                    page: index == 0 ? page : nil)
            }
        }
    }

    /// libtiff's mode for the file: BigTIFF or classic, big-endian or the machine's order.
    private var openMode: String {
        "w" + (bigTIFF ? "8" : "") + (bigEndian ? "b" : "")
    }

    /// Refuses options that do not go with each other or with `pixels`.
    private func checkOptions(for pixels: PixelBuffer) throws(ImagingError) {
        var jpeg = false
        if case .jpeg = compression { jpeg = true }
        if let packedBits {
            guard pixels.sampleFormat == .unsignedInteger, (1...16).contains(packedBits),
                packedBits <= pixels.bitsPerSample, pixels.bitsPerSample <= 16, !jpeg
            else { throw .encodeFailed("\(packedBits)-bit packed samples from \(pixels.bitsPerSample)-bit pixels") }
        }
        if float64, pixels.sampleFormat != .floatingPoint || jpeg {
            throw .encodeFailed("64-bit floats are written from 32-bit float pixels, not with JPEG compression")
        }
        if planarSeparate, jpeg || layout == .stripped {
            throw .encodeFailed("separate planes are written tiled and not with JPEG compression")
        }
        if let colorMap {
            let bits = packedBits ?? pixels.bitsPerSample
            guard pixels.channels == 1, pixels.sampleFormat == .unsignedInteger, [1, 2, 4, 8, 16].contains(bits),
                !jpeg, layout != .stripped, colorMap.red.count == colorMap.green.count,
                colorMap.red.count == colorMap.blue.count, colorMap.red.count <= 1 << bits
            else { throw .encodeFailed("a palette of \(colorMap.red.count) colours for these pixels") }
        }
        if (pixels.bitsPerSample == 32 || pixels.sampleFormat != .unsignedInteger) && jpeg {
            throw .encodeFailed("JPEG compression of \(pixels.bitsPerSample)-bit pixels")
        }
    }

    private func tileSize(for level: Int) -> Int {
        level < levelTileSizes.count ? levelTileSizes[level] : tileSize
    }

    private func writeDirectory(
        _ tif: OpaquePointer, _ pixels: PixelBuffer, index: Int, fullWidth: Int,
        messages: UnsafeMutablePointer<iip_tiff_messages>, page: StackPage? = nil
    ) throws(ImagingError) {
        func set(_ tag: Int32, _ value: Int) { _ = iip_tiff_set_int(tif, UInt32(tag), Int32(clamping: value)) }
        let bits = float64 ? 64 : packedBits ?? pixels.bitsPerSample
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(pixels.width))
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(pixels.height))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(bits))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), UInt16(pixels.channels))
        _ = iip_tiff_set_u16(
            tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(planarSeparate ? PLANARCONFIG_SEPARATE : PLANARCONFIG_CONTIG))
        let format: Int32 =
            switch pixels.sampleFormat {
            case .unsignedInteger: SAMPLEFORMAT_UINT
            case .signedInteger: SAMPLEFORMAT_INT
            case .floatingPoint: SAMPLEFORMAT_IEEEFP
            }
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), UInt16(format))
        if index > 0 { _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_REDUCEDIMAGE)) }
        let colour = pixels.channels == 3 || pixels.channels == 4
        if pixels.channels == 2 || pixels.channels == 4 {
            let extra: [UInt16] = [UInt16(EXTRASAMPLE_UNASSALPHA)]
            _ = iip_tiff_set_extrasamples(tif, 1, extra)
        } else if pixels.channels > 4 {
            let extra = [UInt16](repeating: UInt16(EXTRASAMPLE_UNSPECIFIED), count: pixels.channels - 1)
            _ = iip_tiff_set_extrasamples(tif, UInt16(extra.count), extra)
        }

        var photometric =
            colour ? Int(PHOTOMETRIC_RGB) : Int(minIsWhite ? PHOTOMETRIC_MINISWHITE : PHOTOMETRIC_MINISBLACK)
        switch compression {
        case .none: set(TIFFTAG_COMPRESSION, Int(COMPRESSION_NONE))
        case .deflate: set(TIFFTAG_COMPRESSION, Int(COMPRESSION_ADOBE_DEFLATE))
        case .lzw: set(TIFFTAG_COMPRESSION, Int(COMPRESSION_LZW))
        case .zstd: set(TIFFTAG_COMPRESSION, Int(COMPRESSION_ZSTD))
        case .webp(let quality):
            set(TIFFTAG_COMPRESSION, Int(COMPRESSION_WEBP))
            set(TIFFTAG_WEBP_LEVEL, quality)
        case .jpeg(let quality):
            set(TIFFTAG_COMPRESSION, Int(COMPRESSION_JPEG))
            set(TIFFTAG_JPEGQUALITY, quality)
            if colour && !jpegAsRGB { photometric = Int(PHOTOMETRIC_YCBCR) }
        }
        if cieLab && colour { photometric = Int(PHOTOMETRIC_CIELAB) }
        if let colorMap {
            photometric = Int(PHOTOMETRIC_PALETTE)
            // libtiff wants exactly 2^bits entries per colour.
            let count = 1 << bits
            func padded(_ values: [UInt16]) -> [UInt16] { values + Array(repeating: 0, count: count - values.count) }
            let red = padded(colorMap.red)
            let green = padded(colorMap.green)
            let blue = padded(colorMap.blue)
            _ = iip_tiff_set_colormap(tif, red, green, blue)
        }
        set(TIFFTAG_PHOTOMETRIC, photometric)
        if photometric == Int(PHOTOMETRIC_YCBCR) { set(TIFFTAG_JPEGCOLORMODE, Int(JPEGCOLORMODE_RGB)) }

        if index == 0 {
            let fields: [(Int32, String?)] = [
                (TIFFTAG_COPYRIGHT, metadata.rights), (TIFFTAG_ARTIST, metadata.creator),
                (TIFFTAG_IMAGEDESCRIPTION, metadata.description), (TIFFTAG_DATETIME, metadata.date),
                (TIFFTAG_DOCUMENTNAME, metadata.title), (TIFFTAG_PAGENAME, metadata.pageName),
                (TIFFTAG_SOFTWARE, metadata.software), (TIFFTAG_MAKE, metadata.make), (TIFFTAG_MODEL, metadata.model),
            ]
            for (tag, value) in fields {
                if let value { _ = iip_tiff_set_string(tif, UInt32(tag), value) }
            }
            if let scale = metadata.scale {
                _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_STONITS), scale)
            }
            if let xmp = metadata.xmp {
                let bytes = Array(xmp.utf8)
                _ = iip_tiff_set_bytes(tif, UInt32(TIFFTAG_XMLPACKET), UInt32(bytes.count), bytes)
            }
            if let iccProfile, !iccProfile.isEmpty {
                _ = iip_tiff_set_bytes(tif, UInt32(TIFFTAG_ICCPROFILE), UInt32(iccProfile.count), iccProfile)
            }
            if let sampleRange {
                _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_SMINSAMPLEVALUE), sampleRange.minimum)
                _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_SMAXSAMPLEVALUE), sampleRange.maximum)
            }
        }
        if let page {
            _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_PAGE))
            if let name = page.name { _ = iip_tiff_set_string(tif, UInt32(TIFFTAG_DOCUMENTNAME), name) }
            if let scale = page.scale { _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_STONITS), scale) }
        }
        if let resolution {
            let unit: Int =
                switch resolution.unit {
                case .inch: Int(RESUNIT_INCH)
                case .centimetre: Int(RESUNIT_CENTIMETER)
                case .none: Int(RESUNIT_NONE)
                }
            let factor = Double(pixels.width) / Double(max(fullWidth, 1))
            _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), resolution.x * factor)
            _ = iip_tiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), resolution.y * factor)
            set(TIFFTAG_RESOLUTIONUNIT, unit)
        }

        var stored = pixels
        if minIsWhite && !colour {
            for i in stored.bytes.indices { stored.bytes[i] = 255 - stored.bytes[i] }
        }
        if layout == .stripped {
            set(TIFFTAG_ROWSPERSTRIP, 16)
            let rowBytes = stored.rowBytes
            for row in 0..<stored.height {
                let status = stored.bytes.withUnsafeMutableBytes { raw in
                    TIFFWriteScanline(tif, raw.baseAddress! + row * rowBytes, UInt32(row), 0)
                }
                guard status == 1 else { throw .encodeFailed(Self.message(messages)) }
            }
        } else {
            let side = tileSize(for: index)
            _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_TILEWIDTH), UInt32(side))
            _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_TILELENGTH), UInt32(side))
            let level = PyramidLevel(width: stored.width, height: stored.height, tileWidth: side, tileHeight: side)
            for tile in 0..<level.tileCount {
                guard let rect = level.tileRect(tile) else { continue }
                var buffer = PixelBuffer(
                    width: side, height: side, channels: stored.channels, bitsPerSample: stored.bitsPerSample,
                    sampleFormat: stored.sampleFormat)
                buffer.blit(stored.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height), atX: 0, y: 0)
                let planes = planarSeparate ? (0..<stored.channels).map { Self.plane(buffer, $0) } : [buffer]
                for (number, plane) in planes.enumerated() {
                    var bytes = plane.bytes
                    if let packedBits { bytes = Self.pack(plane, bits: packedBits) }
                    if float64 { bytes = Self.widenFloats(bytes) }
                    let status = bytes.withUnsafeMutableBytes { raw in
                        TIFFWriteEncodedTile(
                            tif, UInt32(tile + number * level.tileCount), raw.baseAddress, tmsize_t(raw.count))
                    }
                    guard status >= 0 else { throw .encodeFailed(Self.message(messages)) }
                }
            }
        }
        guard TIFFWriteDirectory(tif) == 1 else { throw .encodeFailed(Self.message(messages)) }
    }

    private static func message(_ messages: UnsafeMutablePointer<iip_tiff_messages>) -> String {
        withUnsafeBytes(of: &messages.pointee.last_error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Packs 8- or 16-bit samples holding `bits`-bit values MSB-first, each row starting on a byte.
    static func pack(_ pixels: PixelBuffer, bits: Int) -> [UInt8] {
        let samples = pixels.width * pixels.channels
        let rowBytes = (samples * bits + 7) / 8
        var output = [UInt8](repeating: 0, count: rowBytes * pixels.height)
        let values: [Int] =
            pixels.bitsPerSample == 16
            ? pixels.bytes.withUnsafeBytes { $0.bindMemory(to: UInt16.self).map(Int.init) }
            : pixels.bytes.map(Int.init)
        for row in 0..<pixels.height {
            var position = 0
            for sample in 0..<samples {
                let value = values[row * samples + sample]
                for bit in stride(from: bits - 1, through: 0, by: -1) {
                    if value >> bit & 1 == 1 { output[row * rowBytes + position / 8] |= 0x80 >> UInt8(position % 8) }
                    position += 1
                }
            }
        }
        return output
    }

    /// One band of interleaved pixels.
    static func plane(_ pixels: PixelBuffer, _ channel: Int) -> PixelBuffer {
        let size = pixels.bytesPerSample
        var output = PixelBuffer(
            width: pixels.width, height: pixels.height, channels: 1, bitsPerSample: pixels.bitsPerSample,
            sampleFormat: pixels.sampleFormat)
        for pixel in 0..<pixels.width * pixels.height {
            let from = (pixel * pixels.channels + channel) * size
            output.bytes[pixel * size..<(pixel + 1) * size] = pixels.bytes[from..<from + size]
        }
        return output
    }

    /// 32-bit floats (native byte order) widened to 64-bit ones.
    static func widenFloats(_ bytes: [UInt8]) -> [UInt8] {
        let floats = bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return floats.map(Double.init).withUnsafeBytes { Array($0) }
    }

    /// Halves both dimensions (rounding down, at least 1) with a 2x2 box filter, integers rounded half up (floor of
    /// the sum plus 2, over 4), or by taking the top-left pixel of each 2x2 block when `nearest` is set.
    public static func halve(_ pixels: PixelBuffer, nearest: Bool = false) -> PixelBuffer {
        let width = max(pixels.width / 2, 1)
        let height = max(pixels.height / 2, 1)
        let channels = pixels.channels
        let size = pixels.bytesPerSample
        let format = pixels.sampleFormat
        var output = PixelBuffer(
            width: width, height: height, channels: channels, bitsPerSample: pixels.bitsPerSample,
            sampleFormat: format)
        pixels.bytes.withUnsafeBytes { source in
            output.bytes.withUnsafeMutableBytes { target in
                // Every 8, 16 and 32-bit integer, and the sum of four, is exact in a Double.
                func sample(_ x: Int, _ y: Int, _ c: Int) -> Double {
                    let offset =
                        ((min(y, pixels.height - 1) * pixels.width + min(x, pixels.width - 1)) * channels + c)
                        * size
                    switch (size, format) {
                    case (1, .signedInteger): return Double(source.load(fromByteOffset: offset, as: Int8.self))
                    case (1, _): return Double(source[offset])
                    case (2, .signedInteger):
                        return Double(source.loadUnaligned(fromByteOffset: offset, as: Int16.self))
                    case (2, _): return Double(source.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
                    case (_, .floatingPoint):
                        return Double(source.loadUnaligned(fromByteOffset: offset, as: Float.self))
                    case (_, .signedInteger):
                        return Double(source.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                    default: return Double(source.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                    }
                }
                func store(_ value: Double, at offset: Int) {
                    switch (size, format) {
                    case (1, .signedInteger): target.storeBytes(of: Int8(value), toByteOffset: offset, as: Int8.self)
                    case (1, _): target.storeBytes(of: UInt8(value), toByteOffset: offset, as: UInt8.self)
                    case (2, .signedInteger): target.storeBytes(of: Int16(value), toByteOffset: offset, as: Int16.self)
                    case (2, _): target.storeBytes(of: UInt16(value), toByteOffset: offset, as: UInt16.self)
                    case (_, .floatingPoint): target.storeBytes(of: Float(value), toByteOffset: offset, as: Float.self)
                    case (_, .signedInteger): target.storeBytes(of: Int32(value), toByteOffset: offset, as: Int32.self)
                    default: target.storeBytes(of: UInt32(value), toByteOffset: offset, as: UInt32.self)
                    }
                }
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<channels {
                            let value: Double
                            if nearest {
                                value = sample(2 * x, 2 * y, c)
                            } else {
                                let sum =
                                    sample(2 * x, 2 * y, c) + sample(2 * x + 1, 2 * y, c) + sample(2 * x, 2 * y + 1, c)
                                    + sample(2 * x + 1, 2 * y + 1, c)
                                value = format == .floatingPoint ? sum / 4 : ((sum + 2) / 4).rounded(.down)
                            }
                            store(value, at: ((y * width + x) * channels + c) * size)
                        }
                    }
                }
            }
        }
        return output
    }
}
