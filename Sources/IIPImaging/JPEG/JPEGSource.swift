import CIIPShims
public import IIPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plain JPEG file served as a pyramid, decoded with libjpeg-turbo (iipsrv-reference §7.2, iipsrv master).
///
/// **Levels and tiles.** As for JPEG 2000, the pyramid is the full size halved with floor until both sides fit in
/// one 256-pixel tile, with virtual 256 x 256 tiles (``VirtualPyramid``). A level 1/2, 1/4 or 1/8 of the full size
/// is decoded by libjpeg's DCT scaling; smaller levels decode at 1/8 and average 2^k x 2^k blocks (iipsrv master
/// drops pixels there instead; averaging keeps the picture from aliasing). Each read decodes only what it needs:
/// the scanlines above the area are skipped without their inverse DCT (`jpeg_skip_scanlines`) and only the iMCU
/// columns across the area are transformed (`jpeg_crop_scanline`). A JPEG has no random access, so the entropy
/// data above an area is still parsed; exports read their region in one decode (``RegionReading/direct``).
///
/// **Samples.** Greyscale files give one 8-bit channel, YCbCr and RGB files three sRGB channels. CMYK and YCCK
/// files are refused: without a colour-managed conversion their colours would be wrong.
///
/// **Metadata.** The ICC profile (APP2 chunks), XMP and EXIF (APP1) and the JFIF density are read once, when the
/// file is opened; EXIF is embedded again in exports, as iipsrv does for JPEG input.
///
/// Not `Sendable`: the open `FILE` is used by one decode at a time.
public final class JPEGSource: ImageSource {
    /// What the protocols need to know about the image.
    public let description: ImageDescription
    /// Whether the file is progressive (its whole coefficient image is buffered by every decode).
    public let progressive: Bool

    private let file: UnsafeMutablePointer<FILE>
    private let limits: ImageLimits

    /// The finest DCT scaling libjpeg offers: 1/8.
    static let maxScaleHalvings = 3

    /// Opens `path` and reads its header and metadata.
    ///
    /// - Parameter limits: What the header may ask for.
    /// - Throws: ``ImagingError`` when the file cannot be read, is not a JPEG, or is CMYK.
    public init(path: String, limits: ImageLimits = .default) throws(ImagingError) {
        guard let file = fopen(path, "rb") else { throw .unreadable(path: path, reason: "cannot open") }
        var header = iip_jpeg_header()
        var message = [CChar](repeating: 0, count: 256)
        guard iip_jpeg_read_header(file, Int64(limits.maxMetadataBytes), &header, &message, message.count) == 1 else {
            fclose(file)
            throw .unsupportedFormat("JPEG: " + Self.text(message))
        }
        defer { iip_jpeg_header_free(&header) }
        let width = Int(header.width)
        let height = Int(header.height)
        let channels: Int
        switch (header.color_space, header.components) {
        case (1, 1): channels = 1  // JCS_GRAYSCALE
        case (2, 3), (3, 3): channels = 3  // JCS_RGB, JCS_YCbCr
        case (4, _), (5, _):
            fclose(file)
            throw .unsupportedLayout("a CMYK JPEG")
        default:
            fclose(file)
            throw .unsupportedLayout(
                "a JPEG with \(header.components) components in colour space \(header.color_space)")
        }
        guard width > 0, height > 0, width <= limits.maxImageSide, height <= limits.maxImageSide else {
            fclose(file)
            throw .unsupportedLayout("a JPEG of \(width)x\(height) pixels")
        }
        let levels = VirtualPyramid.levels(width: width, height: height)
        guard levels.count <= max(limits.maxLevels, 1) else {
            fclose(file)
            throw .unsupportedLayout("more than \(limits.maxLevels) resolution levels")
        }
        var metadata = ImageMetadata()
        metadata.xmp = Self.bytes(header.xmp, header.xmp_length).map { String(decoding: $0, as: UTF8.self) }
        var description = ImageDescription(
            levels: levels, channels: channels, bitsPerSample: 8, colorSpace: channels == 1 ? .greyscale : .sRGB,
            resolution: Self.density(header), metadata: metadata,
            iccProfile: Self.bytes(header.icc, header.icc_length))
        description.exif = Self.bytes(header.exif, header.exif_length)
        self.description = description
        self.progressive = header.progressive != 0
        self.file = file
        self.limits = limits
    }

    deinit { fclose(file) }

    /// The JFIF density: per inch (unit 1) or per centimetre (unit 2); `nil` without JFIF or with an aspect ratio
    /// only (unit 0, which nearly every JPEG carries as 1:1).
    private static func density(_ header: iip_jpeg_header) -> PhysicalResolution? {
        guard header.x_density > 0, header.y_density > 0 else { return nil }
        switch header.density_unit {
        case 1: return PhysicalResolution(x: Double(header.x_density), y: Double(header.y_density), unit: .inch)
        case 2:
            return PhysicalResolution(x: Double(header.x_density), y: Double(header.y_density), unit: .centimetre)
        default: return nil
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<UInt8>?, _ count: Int) -> [UInt8]? {
        guard let pointer, count > 0 else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    private static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Decoding

    /// Decodes one virtual tile.
    public func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < description.levels.count else { throw .noSuchResolution(resolution) }
        guard let rect = description.levels[resolution].tileRect(tile) else { throw .noSuchTile(tile) }
        return try readRegion(resolution: resolution, rect: rect)
    }

    /// Exports read their region in one decode: a JPEG's entropy data cannot be entered in the middle, so
    /// splitting a region into blocks would parse the rows above it once per block.
    public func regionReading(resolution: Int) -> RegionReading { .direct }

    /// Decodes `rect` of a level in one libjpeg session.
    public func readRegion(resolution: Int, rect: PixelRect) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < description.levels.count else { throw .noSuchResolution(resolution) }
        let level = description.levels[resolution]
        guard rect.width > 0, rect.height > 0, rect.x >= 0, rect.y >= 0, rect.x + rect.width <= level.width,
            rect.y + rect.height <= level.height
        else { throw .invalidParameter("\(rect.width)x\(rect.height)+\(rect.x)+\(rect.y) is not inside the level") }
        let halvings = description.levels.count - 1 - resolution
        let scaling = min(halvings, Self.maxScaleHalvings)
        let block = 1 << (halvings - scaling)  // 1 down to 1/8; 2^k below
        // libjpeg's scaled image is the full size divided by 2^scaling, rounded up.
        let scaledWidth = (description.width + (1 << scaling) - 1) >> scaling
        let scaledHeight = (description.height + (1 << scaling) - 1) >> scaling
        let x = rect.x * block
        let y = rect.y * block
        let width = min(rect.width * block, scaledWidth - x)
        let height = min(rect.height * block, scaledHeight - y)
        let channels = description.channels
        // Virtual levels decode block^2 times the rectangle: they get the tile bound, real ones the buffer bound.
        let bound = block > 1 ? limits.maxTileBytes : limits.maxBufferBytes
        let count = try PixelBuffer.checkedByteCount(
            width: width, height: height, channels: channels, bitsPerSample: 8, maxBytes: bound)
        var message = [CChar](repeating: 0, count: 256)
        var status: Int32 = 0
        let decoded = try PixelBuffer.overwritten(
            width: width, height: height, channels: channels, maxBytes: bound
        ) { output in
            status = iip_jpeg_decode_area(
                file, Int32(1 << scaling), UInt32(x), UInt32(y), UInt32(width), UInt32(height), Int32(channels), 0,
                Int64(limits.maxBufferBytes), output.baseAddress, count, &message, message.count)
        }
        guard status == 1 else { throw .decodeFailed("JPEG: " + Self.text(message)) }
        if block > 1 { return decoded.averaged(block: block, width: rect.width, height: rect.height) }
        return decoded
    }
}
