import CIIPShims
import CTIFF
public import IIPModel

/// Writes tiled multi-resolution TIFFs: the demo image, and the fixtures the tests generate.
///
/// Each level is the previous one halved (rounding down) with a 2x2 box filter, until a level fits in one tile.
public struct PyramidTIFFWriter: Sendable {
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
    public var packedBits: Int?

    /// Creates a writer with the defaults: 256-pixel tiles, Deflate, IFD pyramid, classic TIFF.
    public init() {}

    /// Writes `pixels` (8 or 16-bit unsigned, 1 to 4 channels) and its reduced levels to `path`.
    ///
    /// - Throws: ``ImagingError/encodeFailed(_:)`` for other pixels, an empty image, sizes beyond TIFF's 32-bit
    ///   fields, tile sizes outside 16...65536 or not a multiple of 16, or a libtiff failure.
    public func write(_ pixels: PixelBuffer, to path: String) throws(ImagingError) {
        guard pixels.bitsPerSample == 8 || pixels.bitsPerSample == 16, (1...4).contains(pixels.channels),
            pixels.sampleFormat == .unsignedInteger, pixels.isConsistent, pixels.width > 0, pixels.height > 0,
            pixels.width <= Int(UInt32.max), pixels.height <= Int(UInt32.max)
        else {
            throw .encodeFailed(
                "cannot write \(pixels.width)x\(pixels.height)x\(pixels.channels) \(pixels.bitsPerSample)-bit pixels")
        }
        let sides = [tileSize] + levelTileSizes
        guard sides.allSatisfy({ $0 >= 16 && $0 <= 65536 && $0 % 16 == 0 }) else {
            throw .encodeFailed("tile sizes must be multiples of 16 from 16 to 65536: \(sides)")
        }
        let messages = UnsafeMutablePointer<iip_tiff_messages>.allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        defer { messages.deallocate() }
        guard let tif = iip_tiff_open(path, bigTIFF ? "w8" : "w", messages, 0) else {
            throw .unreadable(path: path, reason: "cannot create")
        }
        defer { TIFFClose(tif) }

        var levels = [pixels]
        if layout != .stripped {
            while let last = levels.last,
                last.width > tileSize(for: levels.count - 1)
                    || last.height > tileSize(for: levels.count - 1), last.width > 1 || last.height > 1
            {
                levels.append(Self.halve(last))
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
        guard let tif = iip_tiff_open(path, bigTIFF ? "w8" : "w", messages, 0) else {
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

    private func tileSize(for level: Int) -> Int {
        level < levelTileSizes.count ? levelTileSizes[level] : tileSize
    }

    private func writeDirectory(
        _ tif: OpaquePointer, _ pixels: PixelBuffer, index: Int, fullWidth: Int,
        messages: UnsafeMutablePointer<iip_tiff_messages>, page: StackPage? = nil
    ) throws(ImagingError) {
        func set(_ tag: Int32, _ value: Int) { _ = iip_tiff_set_int(tif, UInt32(tag), Int32(clamping: value)) }
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(pixels.width))
        _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(pixels.height))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(packedBits ?? pixels.bitsPerSample))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), UInt16(pixels.channels))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        _ = iip_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), UInt16(SAMPLEFORMAT_UINT))
        if index > 0 { _ = iip_tiff_set_u32(tif, UInt32(TIFFTAG_SUBFILETYPE), UInt32(FILETYPE_REDUCEDIMAGE)) }
        if pixels.channels == 2 || pixels.channels == 4 {
            let extra: [UInt16] = [UInt16(EXTRASAMPLE_UNASSALPHA)]
            _ = iip_tiff_set_extrasamples(tif, 1, extra)
        }

        let colour = pixels.channels >= 3
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
                    width: side, height: side, channels: stored.channels, bitsPerSample: stored.bitsPerSample)
                buffer.blit(stored.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height), atX: 0, y: 0)
                if let packedBits { buffer.bytes = Self.pack(buffer, bits: packedBits) }
                let status = buffer.bytes.withUnsafeMutableBytes { raw in
                    TIFFWriteEncodedTile(tif, UInt32(tile), raw.baseAddress, tmsize_t(raw.count))
                }
                guard status >= 0 else { throw .encodeFailed(Self.message(messages)) }
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

    /// Halves both dimensions (rounding down, at least 1) with a 2x2 box filter.
    static func halve(_ pixels: PixelBuffer) -> PixelBuffer {
        let width = max(pixels.width / 2, 1)
        let height = max(pixels.height / 2, 1)
        let channels = pixels.channels
        var output = PixelBuffer(
            width: width, height: height, channels: channels, bitsPerSample: pixels.bitsPerSample)
        func sample(_ x: Int, _ y: Int, _ c: Int) -> Int {
            let xx = min(x, pixels.width - 1)
            let yy = min(y, pixels.height - 1)
            let index = (yy * pixels.width + xx) * channels + c
            if pixels.bitsPerSample == 16 {
                return Int(pixels.bytes[index * 2]) | Int(pixels.bytes[index * 2 + 1]) << 8
            }
            return Int(pixels.bytes[index])
        }
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    let sum =
                        sample(2 * x, 2 * y, c) + sample(2 * x + 1, 2 * y, c) + sample(2 * x, 2 * y + 1, c)
                        + sample(2 * x + 1, 2 * y + 1, c)
                    let value = (sum + 2) / 4
                    let index = (y * width + x) * channels + c
                    if pixels.bitsPerSample == 16 {
                        output.bytes[index * 2] = UInt8(value & 0xFF)
                        output.bytes[index * 2 + 1] = UInt8(value >> 8)
                    } else {
                        output.bytes[index] = UInt8(value)
                    }
                }
            }
        }
        return output
    }
}
