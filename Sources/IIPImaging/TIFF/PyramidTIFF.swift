import CTIFF
public import IIPModel

/// A tiled multi-resolution TIFF or BigTIFF (iipsrv-reference §7.1).
///
/// The full resolution is IFD 0, which must be tiled. Reduced resolutions come from IFD 0's SubIFDs when it has
/// any (OME-TIFF style), otherwise from every later top-level IFD that is tiled and smaller than the level
/// before it (untiled label or macro images are skipped). Each level keeps its own size and tile size. A stack
/// (``TIFFStack``) opens one page at a time, each page's pyramid described like a file of its own, with the stack's
/// layers in ``ImageDescription/stack``.
///
/// Every header value is checked against ``ImageLimits`` when the file is opened, before anything is allocated
/// from it: a first level whose size, tile size, tile bytes, tile count, sample size or samples per pixel are out
/// of range refuses the file; a reduced level that is out of range is skipped like a label image. At most
/// ``ImageLimits/maxDirectories`` directories are examined, and more than ``ImageLimits/maxLevels`` levels refuse
/// the file.
///
/// Not `Sendable`: it owns a libtiff handle, which serves one decode at a time.
public final class PyramidTIFF {
    /// What the protocols need to know about the image.
    public let description: ImageDescription
    /// The compression of each level, smallest first (TIFF Compression tag values).
    public let compressions: [Int]
    /// The limits the file was checked against, which also bound every tile read.
    public let limits: ImageLimits

    private let file: TIFFFile
    private let levels: [LevelDirectory]
    /// How every level stores its samples.
    private let layout: TIFFSampleLayout

    /// Where one level lives in the file and how it is stored.
    struct LevelDirectory {
        var offset: UInt64
        var level: PyramidLevel
        var compression: Int
        var photometric: Int
        var planarSeparate: Bool
        /// The level's own ColorMap, for palette images.
        var palette: TIFFPalette?
    }

    /// Opens `path` and reads its structure, within the default ``ImageLimits``.
    ///
    /// - Throws: ``ImagingError`` when the file is unreadable, untiled, has a sample layout this reader does not
    ///   handle, or a header value outside the default limits.
    public convenience init(path: String) throws(ImagingError) {
        try self.init(path: path, limits: .default)
    }

    /// Opens `path` and reads its structure.
    ///
    /// - Parameter limits: What the header may ask for (sizes, tile sizes, levels, samples).
    /// - Throws: ``ImagingError`` when the file is unreadable, untiled, has a sample layout this reader does not
    ///   handle, or a header value outside `limits` (``ImagingError/unsupportedLayout(_:)``).
    public convenience init(path: String, limits: ImageLimits) throws(ImagingError) {
        try self.init(path: path, limits: limits, page: 0)
    }

    /// Opens one page of `path`, a stack layer when the file is a stack (see ``TIFFStack``).
    ///
    /// - Parameters:
    ///   - limits: What the header may ask for (sizes, tile sizes, levels, samples).
    ///   - page: The stack layer, 0 for the first; a file that is not a stack has only page 0.
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for a page the file does not have, and what
    ///   ``init(path:limits:)`` throws.
    public convenience init(path: String, limits: ImageLimits, page: Int) throws(ImagingError) {
        try self.init(file: TIFFFile(path: path), limits: limits, page: page)
    }

    /// Opens one page of the TIFF file `source` holds (a local file or a remote object); every tile is read
    /// through `source`.
    ///
    /// - Parameters:
    ///   - limits: What the header may ask for (sizes, tile sizes, levels, samples).
    ///   - page: The stack layer, 0 for the first; a file that is not a stack has only page 0.
    /// - Throws: what ``init(path:limits:page:)`` throws; the source's own error when it could not be read.
    public convenience init(source: any ByteSource, limits: ImageLimits = .default, page: Int = 0)
        throws(ImagingError)
    {
        let file = try TIFFFile(source: source, mode: "rm")
        do {
            try self.init(file: file, limits: limits, page: page)
        } catch {
            throw file.readFailure ?? error
        }
    }

    private init(file: TIFFFile, limits: ImageLimits, page: Int) throws(ImagingError) {
        let stack = try TIFFStack(file, limits: limits)
        if page != 0 {
            guard page > 0, page < stack.pages.count else {
                throw .invalidParameter("no stack layer \(page) (the file has \(max(stack.pages.count, 1)))")
            }
            try file.select(directoryAt: stack.pages[page].offset)
        }
        guard file.isTiled else { throw .notTiled }
        let layout = try TIFFSampleLayout.read(file, limits: limits)
        let first = try Self.readLevel(file, layout: layout, limits: limits)
        let description = try Self.describe(file, first: first, layout: layout, limits: limits)
        var found = [first]

        func add(_ level: LevelDirectory) throws(ImagingError) {
            guard found.count < max(limits.maxLevels, 1) else {
                throw .unsupportedLayout("more than \(limits.maxLevels) resolution levels")
            }
            found.append(level)
        }
        let subIFDs = file.subIFDOffsets()
        if !stack.pages.isEmpty, !stack.pyramidsInSubIFDs {
            // A stack of single-resolution pages.
        } else if !subIFDs.isEmpty {
            for offset in subIFDs.prefix(max(limits.maxDirectories, 0)) {
                try file.select(directoryAt: offset)
                let subfileType = file.u32(TIFFTAG_SUBFILETYPE) ?? 0
                guard subfileType & UInt32(FILETYPE_REDUCEDIMAGE) != 0, file.isTiled,
                    let level = try? Self.readLevel(file, layout: layout, limits: limits),
                    Self.fits(level, after: found.last)
                else { continue }
                try add(level)
            }
        } else {
            var examined = 0
            while examined < limits.maxDirectories, file.readNextDirectory() {
                examined += 1
                guard file.isTiled,
                    let level = try? Self.readLevel(file, layout: layout, limits: limits),
                    Self.fits(level, after: found.last)
                else { continue }
                try add(level)
            }
        }
        try file.select(directoryAt: first.offset)

        let ordered = Array(found.reversed())
        var finished = description
        finished.levels = ordered.map(\.level)
        if !stack.pages.isEmpty {
            finished.stack = stack.pages.map(\.layer)
            finished.horizontalViews = Array(stack.pages.indices)
        }
        self.description = finished
        self.compressions = ordered.map(\.compression)
        self.levels = ordered
        self.layout = layout
        self.limits = limits
        self.file = file
    }

    /// Decodes one tile, cropped at the image edges, with samples as stored (8, 16 or 32 bits).
    ///
    /// One-bit data is expanded to 0/255, 2-14-bit data widened to 8 or 16 bits, 64-bit floats narrowed to 32-bit
    /// floats, and MinIsWhite data is inverted, so that 0 is always black. Palette indices become 8-bit RGB
    /// through the level's ColorMap (``TIFFPalette``). Separate planes are interleaved. YCbCr JPEG tiles are
    /// converted to RGB by libjpeg.
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
        let channels = layout.channels
        let bits = layout.bits
        let planes = directory.planarSeparate ? channels : 1
        let samplesPerPlane = directory.planarSeparate ? 1 : channels
        // Validated at open: every factor is bounded, so these products cannot overflow.
        var sourceRowBytes =
            (level.tileWidth * samplesPerPlane * bits + 7) / 8
        let expected = sourceRowBytes * level.tileHeight
        guard tileSize >= expected, tileSize > 0 else {
            throw file.takeReadFailure() ?? .decodeFailed(file.lastError ?? "unexpected tile size \(tileSize)")
        }
        guard tileSize <= limits.maxTileBytes else {
            throw .unsupportedLayout("a tile of \(tileSize) bytes exceeds \(limits.maxTileBytes)")
        }

        var planeBuffers: [[UInt8]] = []
        for plane in 0..<planes {
            guard let planeTile = UInt32(exactly: tile + plane * level.tileCount) else { throw .noSuchTile(tile) }
            // Uncompressed data must be all there: a header claiming big tiles over a few stored bytes is refused
            // before the tile buffer is allocated.
            if directory.compression == Int(COMPRESSION_NONE) {
                let stored = TIFFGetStrileByteCount(file.handle, planeTile)
                guard stored >= UInt64(expected) else {
                    throw .decodeFailed("tile \(tile) stores \(stored) bytes of \(expected)")
                }
            }
            var raw = [UInt8](repeating: 0, count: tileSize)
            let read = raw.withUnsafeMutableBytes {
                TIFFReadEncodedTile(file.handle, planeTile, $0.baseAddress, tmsize_t(tileSize))
            }
            guard read >= 0 else {
                throw file.takeReadFailure() ?? .decodeFailed(file.lastError ?? "cannot read tile \(tile)")
            }
            if bits == 64 {
                // Narrowed as read: the rest of the pipeline sees 32-bit floats, rows half as long.
                raw = try TIFFSampleLayout.narrowDoubles(raw, count: expected / 8)
            }
            planeBuffers.append(raw)
        }
        if bits == 64 { sourceRowBytes /= 2 }

        let maxBytes = max(limits.maxTileBytes, limits.maxBufferBytes)
        var pixels = try PixelBuffer.zeroed(
            width: rect.width, height: rect.height, channels: layout.decodedChannels, bitsPerSample: layout.decodedBits,
            sampleFormat: description.sampleFormat, maxBytes: maxBytes)
        if let palette = directory.palette {
            try palette.expand(planeBuffers[0], sourceRowBytes: sourceRowBytes, into: &pixels)
        } else if planes == 1 {
            try Self.unpack(planeBuffers[0], bits: bits, sourceRowBytes: sourceRowBytes, into: &pixels)
        } else if bits % 8 != 0 {
            // Packed samples in separate planes: each plane unpacked on its own, then interleaved.
            var unpacked: [[UInt8]] = []
            for plane in planeBuffers {
                var single = try PixelBuffer.zeroed(
                    width: rect.width, height: rect.height, channels: 1, bitsPerSample: layout.decodedBits,
                    sampleFormat: description.sampleFormat, maxBytes: maxBytes)
                try Self.unpack(plane, bits: bits, sourceRowBytes: sourceRowBytes, into: &single)
                unpacked.append(single.bytes)
            }
            try Self.interleave(unpacked, tileWidth: rect.width, into: &pixels)
        } else {
            try Self.interleave(planeBuffers, tileWidth: level.tileWidth, into: &pixels)
        }
        if directory.photometric == Int(PHOTOMETRIC_MINISWHITE) { Self.invert(&pixels) }
        return pixels
    }

    /// Copies contiguous samples of any depth into `pixels`: 1-bit ones expanded to 0/255, 2-14-bit ones widened,
    /// 8, 16 and 32-bit ones cropped.
    private static func unpack(
        _ raw: [UInt8], bits: Int, sourceRowBytes: Int, into pixels: inout PixelBuffer
    ) throws(ImagingError) {
        if bits == 1 {
            try unpackBits(raw, sourceRowBytes: sourceRowBytes, into: &pixels)
        } else if bits % 8 != 0 {
            try unpackSamples(raw, bits: bits, sourceRowBytes: sourceRowBytes, into: &pixels)
        } else {
            try crop(raw, sourceRowBytes: sourceRowBytes, into: &pixels)
        }
    }

    /// Fetches the stored bytes of `tiles` at `resolution` ahead of their decoding when the file is on a remote
    /// store: their byte ranges go to the source together, which merges neighbours into single requests.
    public func prefetch(resolution: Int, tiles: [Int]) throws(ImagingError) {
        guard let source = file.source, resolution >= 0, resolution < levels.count, tiles.count > 1 else { return }
        let directory = levels[resolution]
        try file.select(directoryAt: directory.offset)
        let planes = directory.planarSeparate ? max(layout.channels, 1) : 1
        let perPlane = directory.level.tileCount
        var ranges: [Range<Int>] = []
        for tile in tiles where tile >= 0 && tile < perPlane {
            for plane in 0..<planes {
                guard let index = UInt32(exactly: tile + plane * perPlane) else { continue }
                let offset = TIFFGetStrileOffset(file.handle, index)
                let count = TIFFGetStrileByteCount(file.handle, index)
                guard offset > 0, count > 0, count <= UInt64(max(limits.maxTileBytes, 0)),
                    offset <= UInt64(Int.max) - count
                else { continue }
                ranges.append(Int(offset)..<Int(offset + count))
            }
        }
        try source.prefetch(ranges)
    }

    /// One tile as stored, as a standalone file in `format`, or `nil` when it cannot be passed through.
    ///
    /// - JPEG: JPEG-compressed 8-bit grey or YCbCr/RGB tiles (not subsampled RGB), the tables spliced in, cropped
    ///   losslessly at the image edges.
    /// - WebP: WebP-compressed 8-bit RGB or RGBA tiles, whole tiles only (a WebP cannot be cropped without
    ///   decoding), when the stored bytes are one WebP file of the tile's size.
    public func storedTile(resolution: Int, tile: Int, format: OutputFormat) throws(ImagingError) -> [UInt8]? {
        switch format {
        case .jpeg:
            guard let (jpeg, rect, level) = try standaloneJPEG(resolution: resolution, tile: tile) else { return nil }
            if rect.width == level.tileWidth && rect.height == level.tileHeight { return jpeg }
            return try JPEGLosslessCrop.crop(jpeg, width: rect.width, height: rect.height)
        case .webp:
            return try storedWebP(resolution: resolution, tile: tile)
        default:
            return nil
        }
    }

    /// A WebP-compressed tile's stored bytes when they are one whole WebP file of the full tile size.
    private func storedWebP(resolution: Int, tile: Int) throws(ImagingError) -> [UInt8]? {
        guard resolution >= 0, resolution < levels.count else { throw .noSuchResolution(resolution) }
        let directory = levels[resolution]
        guard directory.compression == Int(COMPRESSION_WEBP), layout.bits == 8, directory.palette == nil,
            !directory.planarSeparate, description.channels == 3 || description.channels == 4
        else { return nil }
        guard let rect = directory.level.tileRect(tile) else { throw .noSuchTile(tile) }
        let level = directory.level
        guard rect.width == level.tileWidth, rect.height == level.tileHeight else { return nil }
        let raw = try rawTile(tile, of: directory)
        return StoredWebPTile.file(raw, width: level.tileWidth, height: level.tileHeight)
    }

    /// The bytes of one tile as stored in the selected file, within MAX_TILE_BYTES.
    private func rawTile(_ tile: Int, of directory: LevelDirectory) throws(ImagingError) -> [UInt8] {
        guard let index = UInt32(exactly: tile) else { throw .noSuchTile(tile) }
        try file.select(directoryAt: directory.offset)
        // A byte count from the file: compared as UInt64 before it becomes an Int.
        let stored = TIFFGetStrileByteCount(file.handle, index)
        guard stored > 0, stored <= UInt64(max(limits.maxTileBytes, 0)) else {
            throw .decodeFailed("tile \(tile) has \(stored) bytes")
        }
        let size = Int(stored)
        var raw = [UInt8](repeating: 0, count: size)
        let read = raw.withUnsafeMutableBytes {
            TIFFReadRawTile(file.handle, index, $0.baseAddress, tmsize_t(size))
        }
        guard read == size else {
            throw file.takeReadFailure() ?? .decodeFailed(file.lastError ?? "cannot read tile \(tile)")
        }
        return raw
    }

    /// The stored JPEG of a tile made standalone (tables spliced in, not cropped), with the tile's rectangle.
    private func standaloneJPEG(
        resolution: Int, tile: Int
    ) throws(ImagingError) -> (jpeg: [UInt8], rect: PixelRect, level: PyramidLevel)? {
        guard resolution >= 0, resolution < levels.count else { throw .noSuchResolution(resolution) }
        let directory = levels[resolution]
        guard directory.compression == Int(COMPRESSION_JPEG), layout.bits == 8, directory.palette == nil,
            !directory.planarSeparate, description.channels == 1 || description.channels == 3,
            directory.photometric != Int(PHOTOMETRIC_MINISWHITE)
        else { return nil }
        guard let rect = directory.level.tileRect(tile) else { throw .noSuchTile(tile) }
        let raw = try rawTile(tile, of: directory)
        let tables = file.bytes(TIFFTAG_JPEGTABLES, maxCount: limits.maxTileBytes) ?? []
        do {
            let jpeg = try StoredJPEGTile.splice(
                tables: tables, tile: raw, rgb: directory.photometric == Int(PHOTOMETRIC_RGB))
            return (jpeg, rect, directory.level)
        } catch {
            return nil
        }
    }

    /// Decodes a stored JPEG tile with libjpeg-turbo directly (faster than through libtiff), cropped to `rect`.
    ///
    /// The JPEG's own header may claim any size up to 65535 x 65535: decoding is refused beyond the tile's size.
    private func decodeStoredJPEG(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer? {
        guard let (jpeg, rect, level) = try standaloneJPEG(resolution: resolution, tile: tile) else { return nil }
        let maxBytes = min(level.tileWidth * level.tileHeight * 3, max(limits.maxTileBytes, 0))
        let pixels: PixelBuffer
        do {
            pixels = try JPEGDecoder().decode(jpeg, fast: true, maxBytes: maxBytes)
        } catch {
            if case .tooLarge(let reason) = error { throw .decodeFailed("stored JPEG tile \(tile): \(reason)") }
            throw error
        }
        guard pixels.width >= rect.width, pixels.height >= rect.height, pixels.channels == description.channels
        else { return nil }
        if pixels.width == rect.width && pixels.height == rect.height { return pixels }
        return pixels.cropped(x: 0, y: 0, width: rect.width, height: rect.height)
    }

    // MARK: - Structure

    /// Reads and checks the size, tiling and sample layout of the selected directory, and its ColorMap when it is
    /// a palette image.
    ///
    /// - Throws: ``ImagingError/notTiled`` without tile tags, ``ImagingError/unsupportedLayout(_:)`` when a value
    ///   is outside `limits` or the samples are not stored as `layout` says.
    private static func readLevel(
        _ file: TIFFFile, layout: TIFFSampleLayout, limits: ImageLimits
    ) throws(ImagingError) -> LevelDirectory {
        guard let width = file.u32(TIFFTAG_IMAGEWIDTH), let height = file.u32(TIFFTAG_IMAGELENGTH),
            let tileWidth = file.u32(TIFFTAG_TILEWIDTH), let tileHeight = file.u32(TIFFTAG_TILELENGTH)
        else { throw .notTiled }
        guard try TIFFSampleLayout.read(file, limits: limits) == layout else {
            throw .unsupportedLayout("a level whose samples are stored unlike the first level's")
        }
        let level = PyramidLevel(
            width: Int(width), height: Int(height), tileWidth: Int(tileWidth), tileHeight: Int(tileHeight))
        let planarSeparate = file.u16(TIFFTAG_PLANARCONFIG) == UInt16(PLANARCONFIG_SEPARATE)
        try check(
            level, channels: layout.channels, bits: layout.bits, planarSeparate: planarSeparate, limits: limits,
            decodedChannels: layout.decodedChannels)
        var palette: TIFFPalette?
        if layout.palette {
            guard let map = file.colorMap(bits: layout.bits) else {
                throw .unsupportedLayout("a palette colour image without a ColorMap")
            }
            palette = try TIFFPalette(bits: layout.bits, red: map.red, green: map.green, blue: map.blue)
        }
        return LevelDirectory(
            offset: file.currentDirectoryOffset,
            level: level,
            compression: Int(file.u16(TIFFTAG_COMPRESSION) ?? UInt16(COMPRESSION_NONE)),
            photometric: Int(file.u16(TIFFTAG_PHOTOMETRIC) ?? UInt16(PHOTOMETRIC_MINISBLACK)),
            planarSeparate: planarSeparate, palette: palette)
    }

    /// Checks a level's sizes, its stored and decoded tile sizes and its tile count against `limits`, with
    /// overflow-checked arithmetic, so that every later product of these values fits an `Int` and every tile number
    /// a `UInt32`.
    ///
    /// - Parameters:
    ///   - channels: Samples per pixel as stored.
    ///   - bits: Bits per sample as stored.
    ///   - decodedChannels: Samples per pixel once decoded, when not `channels` (3 for palette indices).
    static func check(
        _ level: PyramidLevel, channels: Int, bits: Int, planarSeparate: Bool, limits: ImageLimits,
        decodedChannels: Int? = nil
    ) throws(ImagingError) {
        guard level.width >= 1, level.height >= 1, level.width <= limits.maxImageSide,
            level.height <= limits.maxImageSide
        else {
            throw .unsupportedLayout(
                "image size \(level.width)x\(level.height) (each side must be 1 to \(limits.maxImageSide))")
        }
        guard level.tileWidth >= 1, level.tileHeight >= 1, level.tileWidth <= limits.maxTileSide,
            level.tileHeight <= limits.maxTileSide
        else {
            throw .unsupportedLayout(
                "tile size \(level.tileWidth)x\(level.tileHeight) (each side must be 1 to \(limits.maxTileSide))")
        }
        // Decoded bytes of one tile, all planes (1-bit data is expanded to a byte per sample), and stored bytes of
        // all its planes as libtiff hands them out (64-bit floats take twice their decoded size).
        let decoded = Int.checkedProduct(
            level.tileWidth, level.tileHeight, decodedChannels ?? channels, widenedBits(bits) / 8)
        let storedRowBits = Int.checkedProduct(level.tileWidth, planarSeparate ? 1 : channels, bits)
        let stored = storedRowBits.flatMap {
            Int.checkedProduct(($0 + 7) / 8, level.tileHeight, planarSeparate ? channels : 1)
        }
        guard let decoded, let stored, decoded <= limits.maxTileBytes, stored <= limits.maxTileBytes else {
            throw .unsupportedLayout(
                "a \(level.tileWidth)x\(level.tileHeight) tile of \(channels)x\(bits)-bit samples exceeds "
                    + "\(limits.maxTileBytes) bytes")
        }
        // Sides are at least 1, so neither quotient plus one can overflow.
        let across = (level.width - 1) / level.tileWidth + 1
        let down = (level.height - 1) / level.tileHeight + 1
        let (tiles, tilesOverflow) = across.multipliedReportingOverflow(by: down)
        let (planeTiles, planeOverflow) = tiles.multipliedReportingOverflow(by: planarSeparate ? channels : 1)
        guard !tilesOverflow, !planeOverflow, planeTiles <= limits.maxTilesPerLevel, planeTiles <= Int(UInt32.max)
        else {
            throw .unsupportedLayout(
                "\(level.width)x\(level.height) in \(level.tileWidth)x\(level.tileHeight) tiles needs too many tiles "
                    + "(at most \(limits.maxTilesPerLevel))")
        }
    }

    /// A reduced level must be smaller than the one before it (``readLevel(_:layout:limits:)`` checked that it
    /// shares its sample layout).
    private static func fits(_ level: LevelDirectory, after previous: LevelDirectory?) -> Bool {
        guard let previous, level.level.width < previous.level.width || level.level.height < previous.level.height,
            level.level.width <= previous.level.width, level.level.height <= previous.level.height
        else { return false }
        return true
    }

    /// The description of the image whose first level is selected: palette images are described as the 8-bit sRGB
    /// they are read as, others with their stored depth and bands.
    private static func describe(
        _ file: TIFFFile, first: LevelDirectory, layout: TIFFSampleLayout, limits: ImageLimits
    ) throws(ImagingError) -> ImageDescription {
        let channels = layout.decodedChannels
        let bits = layout.palette ? 8 : layout.bits
        let format = layout.format
        let colorSpace: ColorSpace
        switch first.photometric {
        case Int(PHOTOMETRIC_MINISBLACK), Int(PHOTOMETRIC_MINISWHITE): colorSpace = bits == 1 ? .binary : .greyscale
        case Int(PHOTOMETRIC_CIELAB): colorSpace = .cieLAB
        case Int(PHOTOMETRIC_RGB), Int(PHOTOMETRIC_YCBCR), Int(PHOTOMETRIC_PALETTE): colorSpace = .sRGB
        default: throw .unsupportedLayout("photometric interpretation \(first.photometric)")
        }

        // Sample values from the file: only finite ones are kept (NaN or infinity would poison normalisation).
        let defaultMax = ImageDescription.defaultMaximum(bits: bits, format: format)
        // A palette image's range tags describe its indices, not the colours it is read as.
        let tagged = !layout.palette
        var minimum = (tagged ? file.sampleValue(TIFFTAG_SMINSAMPLEVALUE) : nil).flatMap { $0.isFinite ? $0 : nil } ?? 0
        var maximum =
            (tagged ? file.sampleValue(TIFFTAG_SMAXSAMPLEVALUE) : nil).flatMap { $0.isFinite ? $0 : nil } ?? defaultMax
        // 2-14-bit samples are widened to 8 or 16 bits when read: their range follows.
        if bits > 1, bits % 8 != 0 {
            let scale = Double((1 << widenedBits(bits)) - 1) / Double((1 << bits) - 1)
            minimum *= scale
            maximum =
                file.sampleValue(TIFFTAG_SMAXSAMPLEVALUE) == nil
                ? Double((1 << widenedBits(bits)) - 1) : maximum * scale
        }

        var resolution: PhysicalResolution?
        if let x = file.float(TIFFTAG_XRESOLUTION), let y = file.float(TIFFTAG_YRESOLUTION), x.isFinite, y.isFinite,
            x > 0, y > 0
        {
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
        metadata.scale = file.double(TIFFTAG_STONITS)
        metadata.xmp = file.bytes(TIFFTAG_XMLPACKET, maxCount: limits.maxMetadataBytes).map {
            String(decoding: $0, as: UTF8.self)
        }

        return ImageDescription(
            levels: [first.level], channels: channels, bitsPerSample: bits, sampleFormat: format,
            colorSpace: colorSpace, minValues: Array(repeating: minimum, count: channels),
            maxValues: Array(repeating: maximum, count: channels), resolution: resolution, metadata: metadata,
            iccProfile: file.bytes(TIFFTAG_ICCPROFILE, maxCount: limits.maxMetadataBytes))
    }

    // MARK: - Sample layout

    /// Copies the top-left of a contiguous tile into `pixels`, rows `sourceRowBytes` apart in `raw`.
    private static func crop(_ raw: [UInt8], sourceRowBytes: Int, into pixels: inout PixelBuffer) throws(ImagingError) {
        let rowBytes = pixels.rowBytes
        guard pixels.height > 0, rowBytes > 0 else { return }
        guard rowBytes <= sourceRowBytes, (pixels.height - 1) * sourceRowBytes + rowBytes <= raw.count else {
            throw .decodeFailed("tile data shorter than \(pixels.width)x\(pixels.height) pixels")
        }
        pixels.bytes.withUnsafeMutableBytes { destination in
            raw.withUnsafeBytes { source in
                guard let to = destination.baseAddress, let from = source.baseAddress else { return }
                if rowBytes == sourceRowBytes {
                    to.copyMemory(from: from, byteCount: rowBytes * pixels.height)
                    return
                }
                for row in 0..<pixels.height {
                    (to + row * rowBytes).copyMemory(from: from + row * sourceRowBytes, byteCount: rowBytes)
                }
            }
        }
    }

    private static func interleave(
        _ planes: [[UInt8]], tileWidth: Int, into pixels: inout PixelBuffer
    ) throws(ImagingError) {
        let sampleBytes = pixels.bytesPerSample
        let channels = pixels.channels
        guard pixels.height > 0, pixels.width > 0 else { return }
        let needed = ((pixels.height - 1) * tileWidth + pixels.width) * sampleBytes
        guard planes.count == channels, planes.allSatisfy({ $0.count >= needed }) else {
            throw .decodeFailed("tile planes shorter than \(pixels.width)x\(pixels.height) pixels")
        }
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

    /// Expands 1-bit samples, rows `sourceRowBytes` apart in `raw`, to 0 and 255.
    private static func unpackBits(
        _ raw: [UInt8], sourceRowBytes: Int, into pixels: inout PixelBuffer
    ) throws(ImagingError) {
        let samples = pixels.width * pixels.channels
        guard pixels.height > 0, samples > 0 else { return }
        guard (samples + 7) / 8 <= sourceRowBytes, (pixels.height - 1) * sourceRowBytes + (samples + 7) / 8 <= raw.count
        else { throw .decodeFailed("1-bit tile data shorter than \(pixels.width)x\(pixels.height) pixels") }
        for row in 0..<pixels.height {
            for sample in 0..<samples {
                let byte = raw[row * sourceRowBytes + sample / 8]
                let bit = (byte >> (7 - UInt8(sample % 8))) & 1
                pixels.bytes[row * samples + sample] = bit == 1 ? 255 : 0
            }
        }
    }

    /// The sample size a depth is read into: 1-8 bits become 8, 9-16 become 16 (iipsrv-reference §6.1), 32 stays
    /// 32 and 64-bit floats are narrowed to 32.
    static func widenedBits(_ bits: Int) -> Int {
        bits <= 8 ? 8 : bits <= 16 ? 16 : 32
    }

    /// A `bits`-wide sample widened by bit replication, as master reads 2-14-bit TIFFs (iipsrv-reference §6.1):
    /// the top bits repeat into the low ones, so 0 stays 0 and the maximum becomes 255 or 65535.
    static func widen(_ value: Int, bits: Int) -> Int {
        let target = widenedBits(bits)
        var result = 0
        var filled = 0
        while filled < target {
            let shift = target - filled - bits
            result |= shift >= 0 ? value << shift : value >> -shift
            filled += bits
        }
        return result & ((1 << target) - 1)
    }

    /// Unpacks contiguous 2-14-bit samples (MSB first, each row starting on a byte) into 8- or 16-bit ones.
    static func unpackSamples(
        _ raw: [UInt8], bits: Int, sourceRowBytes: Int, into pixels: inout PixelBuffer
    ) throws(ImagingError) {
        let samples = pixels.width * pixels.channels
        guard pixels.height > 0, samples > 0 else { return }
        let rowBits = samples * bits
        guard (rowBits + 7) / 8 <= sourceRowBytes, (pixels.height - 1) * sourceRowBytes + (rowBits + 7) / 8 <= raw.count
        else { throw .decodeFailed("\(bits)-bit tile data shorter than \(pixels.width)x\(pixels.height) pixels") }
        let wide = pixels.bitsPerSample == 16
        var values = [Int](repeating: 0, count: samples)
        for row in 0..<pixels.height {
            let base = row * sourceRowBytes
            for sample in 0..<samples {
                var value = 0
                var position = sample * bits
                for _ in 0..<bits {
                    let bit = Int(raw[base + position / 8] >> (7 - UInt8(position % 8))) & 1
                    value = value << 1 | bit
                    position += 1
                }
                values[sample] = widen(value, bits: bits)
            }
            if wide {
                pixels.bytes.withUnsafeMutableBytes { target in
                    let output = target.bindMemory(to: UInt16.self)
                    for sample in 0..<samples { output[row * samples + sample] = UInt16(values[sample]) }
                }
            } else {
                for sample in 0..<samples { pixels.bytes[row * samples + sample] = UInt8(values[sample]) }
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
