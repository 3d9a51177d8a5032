import CTIFF
public import IIPModel

/// A tiled multi-resolution TIFF or BigTIFF (iipsrv-reference §7.1).
///
/// The full resolution is IFD 0, which must be tiled. Reduced resolutions come from IFD 0's SubIFDs when it has
/// any (OME-TIFF style), otherwise from every later top-level IFD that is tiled and smaller than the level
/// before it (untiled label or macro images are skipped). Each level keeps its own size and tile size.
///
/// Not `Sendable`: it owns a libtiff handle, which serves one decode at a time.
public final class PyramidTIFF {
    /// What the protocols need to know about the image.
    public let description: ImageDescription
    /// The compression of each level, smallest first (TIFF Compression tag values).
    public let compressions: [Int]

    private let file: TIFFFile
    private let levels: [LevelDirectory]

    /// Where one level lives in the file and how it is stored.
    struct LevelDirectory {
        var offset: UInt64
        var level: PyramidLevel
        var compression: Int
        var photometric: Int
        var planarSeparate: Bool
    }

    /// Opens `path` and reads its structure.
    ///
    /// - Throws: ``ImagingError`` when the file is unreadable, untiled, or has a sample layout this reader
    ///   does not handle.
    public init(path: String) throws(ImagingError) {
        let file = try TIFFFile(path: path)
        guard file.isTiled else { throw .notTiled }
        let first = try Self.readLevel(file)
        var found = [first]

        let channels = Int(file.u16(TIFFTAG_SAMPLESPERPIXEL) ?? 1)
        let bits = Int(file.u16(TIFFTAG_BITSPERSAMPLE) ?? 1)
        let formatCode = Int(file.u16(TIFFTAG_SAMPLEFORMAT) ?? UInt16(SAMPLEFORMAT_UINT))
        let description = try Self.describe(file, first: first, channels: channels, bits: bits, formatCode: formatCode)

        let subIFDs = file.subIFDOffsets()
        if !subIFDs.isEmpty {
            for offset in subIFDs {
                try file.select(directoryAt: offset)
                let subfileType = file.u32(TIFFTAG_SUBFILETYPE) ?? 0
                guard subfileType & UInt32(FILETYPE_REDUCEDIMAGE) != 0, file.isTiled,
                    let level = try? Self.readLevel(file), Self.fits(level, after: found.last, file, channels, bits)
                else { continue }
                found.append(level)
            }
        } else {
            while file.readNextDirectory() {
                guard file.isTiled, let level = try? Self.readLevel(file),
                    Self.fits(level, after: found.last, file, channels, bits)
                else { continue }
                found.append(level)
            }
        }
        try file.select(directoryAt: first.offset)

        let ordered = Array(found.reversed())
        var finished = description
        finished.levels = ordered.map(\.level)
        self.description = finished
        self.compressions = ordered.map(\.compression)
        self.levels = ordered
        self.file = file
    }

    /// Decodes one tile, cropped at the image edges, with samples as stored (8, 16 or 32 bits).
    ///
    /// One-bit data is expanded to 0/255 and MinIsWhite data is inverted, so that 0 is always black.
    /// YCbCr JPEG tiles are converted to RGB by libjpeg.
    ///
    /// - Parameters:
    ///   - resolution: IIP resolution number, 0 = smallest.
    ///   - tile: Row-major tile index at that resolution.
    public func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        if let decoded = try decodeStoredJPEG(resolution: resolution, tile: tile) { return decoded }
        return try readTileThroughLibTIFF(resolution: resolution, tile: tile)
    }

    /// Decodes one tile with libtiff's codecs (every compression and sample layout).
    func readTileThroughLibTIFF(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < levels.count else { throw .noSuchResolution(resolution) }
        let directory = levels[resolution]
        guard let rect = directory.level.tileRect(tile) else { throw .noSuchTile(tile) }
        try file.select(directoryAt: directory.offset)
        if directory.compression == Int(COMPRESSION_JPEG), directory.photometric == Int(PHOTOMETRIC_YCBCR) {
            file.requestRGBFromJPEG()
        }
        let tileSize = Int(TIFFTileSize(file.handle))
        let level = directory.level
        let channels = description.channels
        let bits = description.bitsPerSample
        let planes = directory.planarSeparate ? channels : 1
        let samplesPerPlane = directory.planarSeparate ? 1 : channels
        let expected = (level.tileWidth * level.tileHeight * samplesPerPlane * bits + 7) / 8
        guard tileSize >= expected, tileSize > 0 else {
            throw .decodeFailed(file.lastError ?? "unexpected tile size \(tileSize)")
        }

        var planeBuffers: [[UInt8]] = []
        for plane in 0..<planes {
            var raw = [UInt8](repeating: 0, count: tileSize)
            let planeTile = UInt32(tile + plane * level.tileCount)
            let read = raw.withUnsafeMutableBytes {
                TIFFReadEncodedTile(file.handle, planeTile, $0.baseAddress, tmsize_t(tileSize))
            }
            guard read >= 0 else { throw .decodeFailed(file.lastError ?? "cannot read tile \(tile)") }
            planeBuffers.append(raw)
        }

        let outBits = bits == 1 ? 8 : bits
        var pixels = PixelBuffer(
            width: rect.width, height: rect.height, channels: channels, bitsPerSample: outBits,
            sampleFormat: description.sampleFormat)
        if bits == 1 {
            Self.unpackBits(planeBuffers[0], tileWidth: level.tileWidth, into: &pixels)
        } else if planes == 1 {
            Self.crop(planeBuffers[0], tileWidth: level.tileWidth, into: &pixels)
        } else {
            Self.interleave(planeBuffers, tileWidth: level.tileWidth, into: &pixels)
        }
        if directory.photometric == Int(PHOTOMETRIC_MINISWHITE) { Self.invert(&pixels) }
        return pixels
    }

    /// The stored JPEG of one tile as a standalone JPEG, cropped losslessly at the image edges, or `nil` when the
    /// tile cannot be passed through (not JPEG-compressed, not 8-bit, or subsampled RGB).
    public func storedJPEGTile(resolution: Int, tile: Int) throws(ImagingError) -> [UInt8]? {
        guard let (jpeg, rect, level) = try standaloneJPEG(resolution: resolution, tile: tile) else { return nil }
        if rect.width == level.tileWidth && rect.height == level.tileHeight { return jpeg }
        return try JPEGLosslessCrop.crop(jpeg, width: rect.width, height: rect.height)
    }

    /// The stored JPEG of a tile made standalone (tables spliced in, not cropped), with the tile's rectangle.
    private func standaloneJPEG(
        resolution: Int, tile: Int
    ) throws(ImagingError) -> (jpeg: [UInt8], rect: PixelRect, level: PyramidLevel)? {
        guard resolution >= 0, resolution < levels.count else { throw .noSuchResolution(resolution) }
        let directory = levels[resolution]
        guard directory.compression == Int(COMPRESSION_JPEG), description.bitsPerSample == 8,
            !directory.planarSeparate, description.channels == 1 || description.channels == 3,
            directory.photometric != Int(PHOTOMETRIC_MINISWHITE)
        else { return nil }
        guard let rect = directory.level.tileRect(tile) else { throw .noSuchTile(tile) }
        try file.select(directoryAt: directory.offset)
        let tables = file.bytes(TIFFTAG_JPEGTABLES) ?? []
        let size = Int(TIFFGetStrileByteCount(file.handle, UInt32(tile)))
        guard size > 0, size < 64 << 20 else { throw .decodeFailed("tile \(tile) has \(size) bytes") }
        var raw = [UInt8](repeating: 0, count: size)
        let read = raw.withUnsafeMutableBytes {
            TIFFReadRawTile(file.handle, UInt32(tile), $0.baseAddress, tmsize_t(size))
        }
        guard read == size else { throw .decodeFailed(file.lastError ?? "cannot read tile \(tile)") }
        do {
            let jpeg = try StoredJPEGTile.splice(
                tables: tables, tile: raw, rgb: directory.photometric == Int(PHOTOMETRIC_RGB))
            return (jpeg, rect, directory.level)
        } catch {
            return nil
        }
    }

    /// Decodes a stored JPEG tile with libjpeg-turbo directly (faster than through libtiff), cropped to `rect`.
    private func decodeStoredJPEG(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer? {
        guard let (jpeg, rect, _) = try standaloneJPEG(resolution: resolution, tile: tile) else { return nil }
        let pixels = try JPEGDecoder().decode(jpeg, fast: true)
        guard pixels.width >= rect.width, pixels.height >= rect.height, pixels.channels == description.channels
        else { return nil }
        if pixels.width == rect.width && pixels.height == rect.height { return pixels }
        return pixels.cropped(x: 0, y: 0, width: rect.width, height: rect.height)
    }

    // MARK: - Structure

    private static func readLevel(_ file: TIFFFile) throws(ImagingError) -> LevelDirectory {
        guard let width = file.u32(TIFFTAG_IMAGEWIDTH), let height = file.u32(TIFFTAG_IMAGELENGTH),
            let tileWidth = file.u32(TIFFTAG_TILEWIDTH), let tileHeight = file.u32(TIFFTAG_TILELENGTH),
            width > 0, height > 0, tileWidth > 0, tileHeight > 0, tileWidth <= 65536, tileHeight <= 65536
        else { throw .notTiled }
        return LevelDirectory(
            offset: file.currentDirectoryOffset,
            level: PyramidLevel(
                width: Int(width), height: Int(height), tileWidth: Int(tileWidth), tileHeight: Int(tileHeight)),
            compression: Int(file.u16(TIFFTAG_COMPRESSION) ?? UInt16(COMPRESSION_NONE)),
            photometric: Int(file.u16(TIFFTAG_PHOTOMETRIC) ?? UInt16(PHOTOMETRIC_MINISBLACK)),
            planarSeparate: file.u16(TIFFTAG_PLANARCONFIG) == UInt16(PLANARCONFIG_SEPARATE))
    }

    /// A reduced level must be smaller than the one before it and share its sample layout.
    private static func fits(
        _ level: LevelDirectory, after previous: LevelDirectory?, _ file: TIFFFile, _ channels: Int, _ bits: Int
    ) -> Bool {
        guard let previous, level.level.width < previous.level.width || level.level.height < previous.level.height,
            level.level.width <= previous.level.width, level.level.height <= previous.level.height
        else { return false }
        return Int(file.u16(TIFFTAG_SAMPLESPERPIXEL) ?? 1) == channels
            && Int(file.u16(TIFFTAG_BITSPERSAMPLE) ?? 1) == bits
    }

    private static func describe(
        _ file: TIFFFile, first: LevelDirectory, channels: Int, bits: Int, formatCode: Int
    ) throws(ImagingError) -> ImageDescription {
        guard (1...16).contains(channels) else { throw .unsupportedLayout("\(channels) samples per pixel") }
        let format: SampleFormat
        switch formatCode {
        case Int(SAMPLEFORMAT_INT): format = .signedInteger
        case Int(SAMPLEFORMAT_IEEEFP): format = .floatingPoint
        default: format = .unsignedInteger
        }
        switch (bits, format) {
        case (1, .unsignedInteger), (8, .unsignedInteger), (8, .signedInteger), (16, .unsignedInteger),
            (16, .signedInteger), (32, _):
            break
        default:
            throw .unsupportedLayout("\(bits)-bit samples")
        }

        let colorSpace: ColorSpace
        switch first.photometric {
        case Int(PHOTOMETRIC_MINISBLACK), Int(PHOTOMETRIC_MINISWHITE): colorSpace = bits == 1 ? .binary : .greyscale
        case Int(PHOTOMETRIC_CIELAB): colorSpace = .cieLAB
        case Int(PHOTOMETRIC_RGB), Int(PHOTOMETRIC_YCBCR), Int(PHOTOMETRIC_PALETTE): colorSpace = .sRGB
        default: throw .unsupportedLayout("photometric interpretation \(first.photometric)")
        }

        let defaultMax = ImageDescription.defaultMaximum(bits: bits, format: format)
        let minimum = file.sampleValue(TIFFTAG_SMINSAMPLEVALUE) ?? 0
        let maximum = file.sampleValue(TIFFTAG_SMAXSAMPLEVALUE) ?? defaultMax

        var resolution: PhysicalResolution?
        if let x = file.float(TIFFTAG_XRESOLUTION), let y = file.float(TIFFTAG_YRESOLUTION), x > 0, y > 0 {
            let unit: PhysicalResolution.Unit =
                switch Int32(file.u16(TIFFTAG_RESOLUTIONUNIT) ?? UInt16(RESUNIT_INCH)) {
                case RESUNIT_CENTIMETER: .centimetre
                case RESUNIT_NONE: .none
                default: .inch
                }
            resolution = PhysicalResolution(x: Double(x), y: Double(y), unit: unit)
        }

        var metadata = ImageMetadata()
        metadata.rights = file.string(TIFFTAG_COPYRIGHT)
        metadata.creator = file.string(TIFFTAG_ARTIST)
        metadata.description = file.string(TIFFTAG_IMAGEDESCRIPTION)
        metadata.date = file.string(TIFFTAG_DATETIME)
        metadata.title = file.string(TIFFTAG_DOCUMENTNAME)
        metadata.pageName = file.string(TIFFTAG_PAGENAME)
        metadata.software = file.string(TIFFTAG_SOFTWARE)
        metadata.make = file.string(TIFFTAG_MAKE)
        metadata.model = file.string(TIFFTAG_MODEL)
        metadata.xmp = file.bytes(TIFFTAG_XMLPACKET).map { String(decoding: $0, as: UTF8.self) }

        return ImageDescription(
            levels: [first.level], channels: channels, bitsPerSample: bits, sampleFormat: format,
            colorSpace: colorSpace, minValues: Array(repeating: minimum, count: channels),
            maxValues: Array(repeating: maximum, count: channels), resolution: resolution, metadata: metadata,
            iccProfile: file.bytes(TIFFTAG_ICCPROFILE))
    }

    // MARK: - Sample layout

    private static func crop(_ raw: [UInt8], tileWidth: Int, into pixels: inout PixelBuffer) {
        let rowBytes = pixels.rowBytes
        let sourceRowBytes = tileWidth * pixels.bytesPerPixel
        if rowBytes == sourceRowBytes {
            pixels.bytes.withUnsafeMutableBytes { destination in
                raw.withUnsafeBytes { source in
                    destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<rowBytes * pixels.height]))
                }
            }
            return
        }
        pixels.bytes.withUnsafeMutableBytes { destination in
            raw.withUnsafeBytes { source in
                for row in 0..<pixels.height {
                    let from = source.baseAddress! + row * sourceRowBytes
                    (destination.baseAddress! + row * rowBytes).copyMemory(from: from, byteCount: rowBytes)
                }
            }
        }
    }

    private static func interleave(_ planes: [[UInt8]], tileWidth: Int, into pixels: inout PixelBuffer) {
        let sampleBytes = pixels.bytesPerSample
        let channels = pixels.channels
        for row in 0..<pixels.height {
            for column in 0..<pixels.width {
                let target = (row * pixels.width + column) * channels * sampleBytes
                let source = (row * tileWidth + column) * sampleBytes
                for channel in 0..<channels {
                    for byte in 0..<sampleBytes {
                        pixels.bytes[target + channel * sampleBytes + byte] = planes[channel][source + byte]
                    }
                }
            }
        }
    }

    private static func unpackBits(_ raw: [UInt8], tileWidth: Int, into pixels: inout PixelBuffer) {
        let sourceRowBytes = (tileWidth * pixels.channels + 7) / 8
        for row in 0..<pixels.height {
            for sample in 0..<(pixels.width * pixels.channels) {
                let byte = raw[row * sourceRowBytes + sample / 8]
                let bit = (byte >> (7 - UInt8(sample % 8))) & 1
                pixels.bytes[row * pixels.width * pixels.channels + sample] = bit == 1 ? 255 : 0
            }
        }
    }

    private static func invert(_ pixels: inout PixelBuffer) {
        switch pixels.bitsPerSample {
        case 8:
            for index in pixels.bytes.indices { pixels.bytes[index] = 255 - pixels.bytes[index] }
        case 16:
            pixels.bytes.withUnsafeMutableBytes { raw in
                let samples = raw.bindMemory(to: UInt16.self)
                for index in samples.indices { samples[index] = 65535 - samples[index] }
            }
        default:
            break
        }
    }
}
