import COpenJPEG
public import IIPModel

/// A JPEG 2000 image (JP2 file or raw codestream, including HTJ2K codestreams), decoded with OpenJPEG
/// (iipsrv-reference §7.3).
///
/// **Levels and tiles.** Like iipsrv, the pyramid is the full size halved with floor until both sides fit in one
/// 256-pixel tile, and tiles are virtual 256 x 256 squares whatever the codestream's own tiling. A level the
/// codestream has (a DWT resolution) is decoded with OpenJPEG's reduce factor and a decode area covering just the
/// requested tile, so only the code-blocks under that tile are decoded. Levels below the codestream's smallest
/// are virtual: the smallest real level is decoded over the same area and reduced by averaging 2^k x 2^k blocks.
/// iipsrv's OpenJPEG reader uses the factor 2k there (2, 4, 6 ...), which is not a power of two beyond two
/// virtual levels and picks one pixel per block; this reader follows the sizes, which are powers of two.
///
/// **Quality layers.** `layers` follows MAX_LAYERS: 0 decodes half the codestream's layers rounded up, -1 all of
/// them, a positive count at most that many; a request's LYR applies within MAX_LAYERS as iipsrv's does.
///
/// **Samples.** Components must share one size and precision (no subsampled chroma). 1-bit data becomes 8-bit
/// 0/255 binary; 2-7 bits are scaled up to 8; 9-16 bits are scaled up to the 16-bit range (so that the pipeline's
/// 16-to-8 reduction keeps the picture, where iipsrv leaves 12-bit samples in 0...4095); signed samples are
/// offset to unsigned; more than 16 bits is refused, as iipsrv does. One component is grey, two grey and alpha,
/// three sRGB, four sRGB and alpha.
///
/// **Metadata.** The ICC profile, capture resolution and XMP come from the JP2 boxes (``JP2Boxes``), read once
/// when the file is opened, with the codestream's main header (sizes, levels, layers).
///
/// **Threads.** Each decode runs on one OpenJPEG thread: the server already decodes tiles in parallel on its codec
/// threads, and OpenJPEG's own pool would compete with them.
///
/// OpenJPEG's decoder is single-use, so every decode creates a codec and reads the main header again through a
/// new stream over the file opened here (no reopening, no path lookup). Not `Sendable`: one decode at a time.
public final class JPEG2000Source: ImageSource {
    /// The side of the virtual tiles.
    public static let tileSide = VirtualPyramid.tileSide

    /// What the protocols need to know about the image.
    public let description: ImageDescription
    /// The number of DWT resolutions in the codestream (decomposition levels + 1).
    public let codestreamResolutions: Int
    /// The number of quality layers in the codestream.
    public let qualityLayers: Int
    /// The layers each decode uses when the request asks for none (0 = all).
    public let decodedLayers: Int
    /// MAX_LAYERS, as given when opening.
    public let maxLayers: Int

    private let file: OpenJPEGFileReader
    private let codec: OPJ_CODEC_FORMAT
    private let origin: (x: Int, y: Int)
    private let codestreamTile: (width: Int, height: Int)
    private let precision: Int
    private let componentCount: Int
    private let signed: Bool
    private let limits: ImageLimits

    /// Opens `path` and reads its boxes and main header.
    ///
    /// - Parameters:
    ///   - limits: What the header may ask for (sizes, components, levels).
    ///   - layers: MAX_LAYERS: 0 for half the layers rounded up, -1 for all, a positive count for at most that many.
    /// - Throws: ``ImagingError`` when the file is unreadable, not JPEG 2000, or has a layout this reader refuses.
    public convenience init(path: String, limits: ImageLimits = .default, layers: Int = 0) throws(ImagingError) {
        try self.init(file: OpenJPEGFileReader(path: path), limits: limits, layers: layers)
    }

    /// Opens the JPEG 2000 file `source` holds (a local file or a remote object) and reads its boxes and main
    /// header; every decode reads through `source`.
    ///
    /// - Parameters:
    ///   - limits: What the header may ask for (sizes, components, levels).
    ///   - layers: MAX_LAYERS: 0 for half the layers rounded up, -1 for all, a positive count for at most that many.
    /// - Throws: ``ImagingError`` when the file is unreadable, not JPEG 2000, or has a layout this reader refuses.
    public convenience init(source: any ByteSource, limits: ImageLimits = .default, layers: Int = 0)
        throws(ImagingError)
    {
        try self.init(file: OpenJPEGFileReader(source: source), limits: limits, layers: layers)
    }

    private init(file: OpenJPEGFileReader, limits: ImageLimits, layers: Int) throws(ImagingError) {
        let signature = file.read(at: 0, count: 12)
        let codec: OPJ_CODEC_FORMAT
        switch ImageFileKind(header: signature) {
        case .jpeg2000: codec = OPJ_CODEC_JP2
        case .jpeg2000Codestream: codec = OPJ_CODEC_J2K
        default: throw .unsupportedFormat("not a JPEG 2000 file")
        }
        let boxes = codec == OPJ_CODEC_JP2 ? JP2Boxes(reading: file, maxBytes: limits.maxMetadataBytes) : JP2Boxes()
        let size = try Self.check(file, at: codec == OPJ_CODEC_JP2 ? boxes.codestreamOffset : 0, limits: limits)
        let header = try Self.readHeader(file, codec: codec)
        let width = header.x1 - header.x0
        let height = header.y1 - header.y0
        guard width > 0, height > 0, width <= limits.maxImageSide, height <= limits.maxImageSide else {
            throw .unsupportedLayout("a JPEG 2000 image of \(width)x\(height) pixels")
        }
        guard header.components >= 1, header.components <= min(limits.maxSamplesPerPixel, 4) else {
            throw .unsupportedLayout("JPEG 2000 with \(header.components) components")
        }
        guard !boxes.hasPalette else { throw .unsupportedLayout("JPEG 2000 with a palette (pclr)") }
        guard header.colorSpaceSupported else {
            throw .unsupportedLayout("JPEG 2000 in a YCC or CMYK colour space")
        }
        guard header.uniform else {
            throw .unsupportedLayout("JPEG 2000 components of different sizes or precisions")
        }
        guard header.precision >= 1, header.precision <= 16 else {
            throw .unsupportedLayout("\(header.precision)-bit JPEG 2000 samples")
        }
        guard header.resolutions >= 1, header.resolutions <= 33 else {
            throw .unsupportedLayout("a JPEG 2000 codestream with \(header.resolutions) resolutions")
        }
        let levels = VirtualPyramid.levels(width: width, height: height)
        guard levels.count <= max(limits.maxLevels, 1) else {
            throw .unsupportedLayout("more than \(limits.maxLevels) resolution levels")
        }
        let precision = header.precision
        let bits = precision <= 8 ? 8 : 16
        var channels = header.components
        let colorSpace: ColorSpace
        switch channels {
        case 1, 2: colorSpace = precision == 1 ? .binary : .greyscale
        default: colorSpace = .sRGB
        }
        if precision == 1, channels <= 2 { channels = 1 }
        var metadata = ImageMetadata()
        metadata.xmp = boxes.xmp
        self.description = ImageDescription(
            levels: levels, channels: channels, bitsPerSample: precision <= 8 ? 8 : 16, colorSpace: colorSpace,
            maxValues: Array(repeating: bits == 8 ? 255 : 65535, count: channels),
            resolution: boxes.resolution, metadata: metadata, iccProfile: boxes.iccProfile)
        self.codestreamResolutions = header.resolutions
        self.qualityLayers = header.layers
        self.decodedLayers = Self.decodedLayers(requested: layers, available: header.layers)
        self.maxLayers = layers
        self.file = file
        self.codec = codec
        self.origin = (header.x0, header.y0)
        self.codestreamTile = (size.tileWidth, size.tileHeight)
        self.precision = precision
        self.componentCount = header.components
        self.signed = header.signed
        self.limits = limits
    }

    /// Refuses a codestream whose SIZ marker declares sizes, tiles or components beyond `limits`, before OpenJPEG
    /// reads it.
    private static func check(
        _ file: OpenJPEGFileReader, at offset: Int?, limits: ImageLimits
    ) throws(ImagingError) -> JPEG2000SizeMarker {
        guard let offset, let size = JPEG2000SizeMarker(reading: file, at: offset) else {
            throw .unsupportedFormat("JPEG 2000 without a codestream")
        }
        // OpenJPEG takes decode areas as 32-bit signed grid coordinates.
        guard size.width <= Int(Int32.max), size.height <= Int(Int32.max) else {
            throw .unsupportedLayout("a JPEG 2000 reference grid beyond 2^31 - 1")
        }
        let width = size.width - size.originX
        let height = size.height - size.originY
        guard width > 0, height > 0, width <= limits.maxImageSide, height <= limits.maxImageSide else {
            throw .unsupportedLayout("a JPEG 2000 image of \(width)x\(height) pixels")
        }
        guard let tiles = size.tileCount, tiles <= limits.maxCodestreamTiles else {
            throw .unsupportedLayout("a JPEG 2000 codestream of more than \(limits.maxCodestreamTiles) tiles")
        }
        guard size.components >= 1, size.components <= min(limits.maxSamplesPerPixel, 4) else {
            throw .unsupportedLayout("JPEG 2000 with \(size.components) components")
        }
        return size
    }

    /// The layers a request's LYR (`nil` when absent) gets under MAX_LAYERS `maximum`, in MAX_LAYERS terms
    /// (iipsrv-reference §2.1): with a positive maximum, LYR counts only below it; with -1 and no LYR, all layers;
    /// otherwise LYR as given, or the maximum's own meaning when there is none.
    static func requestedLayers(maximum: Int, lyr: Int?) -> Int {
        if maximum > 0 {
            if let lyr, lyr > 0, lyr < maximum { return lyr }
            return maximum
        }
        return lyr ?? maximum
    }

    /// The layers to decode for MAX_LAYERS `requested` in a codestream with `available` layers (0 = all).
    static func decodedLayers(requested: Int, available: Int) -> Int {
        if requested < 0 { return 0 }
        if requested == 0 { return max((available + 1) / 2, 1) }
        return min(requested, max(available, 1))
    }

    // MARK: - Decoding

    /// Decodes one virtual tile.
    public func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        try readTile(resolution: resolution, tile: tile, layers: nil)
    }

    /// Decodes one virtual tile with the layers a request asked for (LYR).
    public func readTile(resolution: Int, tile: Int, layers: Int?) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < description.levels.count else { throw .noSuchResolution(resolution) }
        guard let rect = description.levels[resolution].tileRect(tile) else { throw .noSuchTile(tile) }
        return try readRegion(resolution: resolution, rect: rect, layers: layers)
    }

    /// The largest side of a block exports read and cache (``RegionReading/blocks(_:)``).
    public static let maxBlockSide = 512

    /// Exports read blocks the size of a codestream tile at that level (a whole small level when the codestream
    /// has one tile), so OpenJPEG parses each codestream tile's packets once and the pipeline caches the result;
    /// levels whose codestream tiles are larger than ``maxBlockSide`` pixels, and virtual levels, are read in one
    /// decode area per export.
    public func regionReading(resolution: Int) -> RegionReading {
        guard resolution >= 0, resolution < description.levels.count else { return .direct }
        let halvings = description.levels.count - 1 - resolution
        guard halvings <= codestreamResolutions - 1 else { return .direct }
        let level = description.levels[resolution]
        let width = max(min(codestreamTile.width >> halvings, level.width), Self.tileSide)
        let height = max(min(codestreamTile.height >> halvings, level.height), Self.tileSide)
        guard width <= Self.maxBlockSide, height <= Self.maxBlockSide else { return .direct }
        return .blocks(PyramidLevel(width: level.width, height: level.height, tileWidth: width, tileHeight: height))
    }

    /// Decodes `rect` of a level directly (one decode area, not tile by tile).
    public func readRegion(resolution: Int, rect: PixelRect) throws(ImagingError) -> PixelBuffer {
        try readRegion(resolution: resolution, rect: rect, layers: nil)
    }

    /// Decodes `rect` of a level directly, with the layers a request asked for (LYR).
    public func readRegion(resolution: Int, rect: PixelRect, layers: Int?) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < description.levels.count else { throw .noSuchResolution(resolution) }
        let level = description.levels[resolution]
        guard rect.width > 0, rect.height > 0, rect.x >= 0, rect.y >= 0, rect.x + rect.width <= level.width,
            rect.y + rect.height <= level.height
        else { throw .invalidParameter("\(rect.width)x\(rect.height)+\(rect.x)+\(rect.y) is not inside the level") }
        let halvings = description.levels.count - 1 - resolution
        let reduce = min(halvings, codestreamResolutions - 1)
        let block = 1 << (halvings - reduce)  // 1 on real levels; 2^k on virtual ones
        let scale = 1 << halvings
        let full = description.fullLevel
        // The area on the reference grid: the image origin plus the rectangle scaled to full resolution.
        let x0 = origin.x + rect.x * scale
        let y0 = origin.y + rect.y * scale
        let x1 = origin.x + min((rect.x + rect.width) * scale, full.width)
        let y1 = origin.y + min((rect.y + rect.height) * scale, full.height)
        // OpenJPEG holds the decoded area as 32-bit samples per component before we interleave it: bound that, and
        // the output, before decoding. Virtual levels decode block^2 times the rectangle, so they get the tile
        // bound; real levels are bounded by their callers (tile sizes, MAX_EXPORT_PIXELS) and the buffer limit.
        let bound = block > 1 ? limits.maxTileBytes : limits.maxBufferBytes
        guard
            let areaBytes = Int.checkedProduct(
                (x1 - x0 + (1 << reduce) - 1) >> reduce, (y1 - y0 + (1 << reduce) - 1) >> reduce,
                max(componentCount, 1), 4),
            areaBytes <= bound
        else { throw .tooLarge("the JPEG 2000 area to decode exceeds \(bound) bytes") }
        _ = try PixelBuffer.checkedByteCount(
            width: rect.width, height: rect.height, channels: description.channels,
            bitsPerSample: description.bitsPerSample, maxBytes: limits.maxBufferBytes)
        let layerCount =
            layers.map {
                Self.decodedLayers(
                    requested: Self.requestedLayers(maximum: maxLayers, lyr: $0), available: qualityLayers)
            } ?? decodedLayers
        let decoded = try decode(x0: x0, y0: y0, x1: x1, y1: y1, reduce: reduce, layers: layerCount)
        guard decoded.width >= rect.width, decoded.height >= rect.height else {
            throw .decodeFailed(
                "JPEG 2000: decoded \(decoded.width)x\(decoded.height), expected \(rect.width)x\(rect.height)")
        }
        if block > 1 { return decoded.averaged(block: block, width: rect.width, height: rect.height) }
        if decoded.width == rect.width, decoded.height == rect.height { return decoded }
        return decoded.cropped(x: 0, y: 0, width: rect.width, height: rect.height)
    }

    /// Decodes the reference-grid area `x0..<x1` x `y0..<y1` at reduce factor `reduce` into interleaved samples.
    private func decode(
        x0: Int, y0: Int, x1: Int, y1: Int, reduce: Int, layers: Int
    ) throws(ImagingError) -> PixelBuffer {
        try Self.withDecoder(file, codec: codec, reduce: reduce, layers: layers) {
            (codec, stream, image, messages) throws(ImagingError) -> PixelBuffer in
            guard opj_set_decode_area(codec, image, Int32(x0), Int32(y0), Int32(x1), Int32(y1)) != 0 else {
                throw .decodeFailed("JPEG 2000: " + messages.describe("cannot set the decode area"))
            }
            guard opj_decode(codec, stream, image) != 0, opj_end_decompress(codec, stream) != 0 else {
                throw .decodeFailed("JPEG 2000: " + messages.describe("the codestream is damaged"))
            }
            return try interleave(image)
        }
    }

    /// Runs `body` with a new single-threaded OpenJPEG decompressor over the file, set up for `reduce` and `layers`
    /// (0: all), its messages captured, and the main header read into an image that `body` may decode into.
    /// OpenJPEG's decompressors are single-use, so each read makes one. A header OpenJPEG cannot read is not JPEG
    /// 2000 when `opening` (``ImagingError/unsupportedFormat(_:)``), a damaged file otherwise.
    private static func withDecoder<T>(
        _ file: OpenJPEGFileReader, codec format: OPJ_CODEC_FORMAT, reduce: Int = 0, layers: Int = 0,
        opening: Bool = false,
        _ body: (
            UnsafeMutablePointer<opj_codec_t?>, UnsafeMutablePointer<opj_stream_t?>, UnsafeMutablePointer<opj_image_t>,
            OpenJPEGMessages
        ) throws(ImagingError) -> T
    ) throws(ImagingError) -> T {
        guard let codec = opj_create_decompress(format) else { throw .decodeFailed("JPEG 2000: no codec") }
        defer { opj_destroy_codec(codec) }
        let messages = OpenJPEGMessages()
        return try withExtendedLifetime(messages) { () throws(ImagingError) -> T in
            OpenJPEGMessages.install(on: codec, messages)
            var parameters = opj_dparameters_t()
            opj_set_default_decoder_parameters(&parameters)
            parameters.cp_reduce = UInt32(reduce)
            parameters.cp_layer = UInt32(max(layers, 0))
            guard opj_setup_decoder(codec, &parameters) != 0 else {
                throw .decodeFailed("JPEG 2000: " + messages.describe("cannot set up the decoder"))
            }
            _ = opj_codec_set_threads(codec, 1)
            return try file.withStream { stream throws(ImagingError) -> T in
                var image: UnsafeMutablePointer<opj_image_t>?
                guard opj_read_header(stream, codec, &image) != 0, let image else {
                    let reason = "JPEG 2000: " + messages.describe("cannot read the header")
                    throw opening ? .unsupportedFormat(reason) : .decodeFailed(reason)
                }
                defer { opj_image_destroy(image) }
                return try body(codec, stream, image, messages)
            }
        }
    }

    /// The decoded components as one interleaved buffer of 8- or 16-bit samples.
    private func interleave(_ image: UnsafeMutablePointer<opj_image_t>) throws(ImagingError) -> PixelBuffer {
        let components = Int(image.pointee.numcomps)
        let channels = description.channels
        guard components >= channels, let first = image.pointee.comps else {
            throw .decodeFailed("JPEG 2000: missing components")
        }
        let width = Int(first.pointee.w)
        let height = Int(first.pointee.h)
        for index in 0..<channels {
            let component = first + index
            guard component.pointee.data != nil, Int(component.pointee.w) == width, Int(component.pointee.h) == height,
                Int(component.pointee.prec) == precision, (component.pointee.sgnd != 0) == signed
            else { throw .decodeFailed("JPEG 2000: a component was not decoded as its header says") }
        }
        let offset = signed ? Int32(1) << (precision - 1) : 0
        let count = width * height
        if precision <= 8 {
            let maximum = Int32((1 << precision) - 1)
            return try PixelBuffer.overwritten(
                width: width, height: height, channels: channels, maxBytes: limits.maxBufferBytes
            ) { output in
                for channel in 0..<channels {
                    let data = (first + channel).pointee.data!
                    var target = channel
                    if precision == 8 {
                        for index in 0..<count {
                            output[target] = UInt8(clamping: data[index] &+ offset)
                            target &+= channels
                        }
                    } else {
                        for index in 0..<count {
                            let value = min(max(data[index] &+ offset, 0), maximum)
                            output[target] = UInt8(truncatingIfNeeded: value &* 255 / maximum)
                            target &+= channels
                        }
                    }
                }
            }
        }
        let shift = Int32(16 - precision)
        var samples = [UInt16](repeating: 0, count: count * channels)
        samples.withUnsafeMutableBufferPointer { output in
            for channel in 0..<channels {
                let data = (first + channel).pointee.data!
                var target = channel
                for index in 0..<count {
                    let value = min(max(data[index] &+ offset, 0), (1 << Int32(precision)) - 1)
                    // Replicate the top bits into the low ones so that the maximum stays the maximum.
                    let widened = shift == 0 ? value : value << shift | value >> max(Int32(precision) - shift, 0)
                    output[target] = UInt16(truncatingIfNeeded: widened)
                    target &+= channels
                }
            }
        }
        let bytes = samples.withUnsafeBytes { Array($0) }
        return PixelBuffer(width: width, height: height, channels: channels, bitsPerSample: 16, bytes: bytes)
    }

    // MARK: - Header

    /// What the main header says.
    struct Header {
        var x0 = 0, y0 = 0, x1 = 0, y1 = 0
        var components = 0
        var precision = 0
        var signed = false
        var uniform = true
        var resolutions = 0
        var layers = 0
        var colorSpaceSupported = true
    }

    private static func readHeader(_ file: OpenJPEGFileReader, codec format: OPJ_CODEC_FORMAT) throws(ImagingError)
        -> Header
    {
        try withDecoder(file, codec: format, opening: true) {
            (codec, _, image, _) throws(ImagingError) -> Header in
            var header = Header()
            header.x0 = Int(image.pointee.x0)
            header.y0 = Int(image.pointee.y0)
            header.x1 = Int(image.pointee.x1)
            header.y1 = Int(image.pointee.y1)
            header.components = Int(image.pointee.numcomps)
            let space = image.pointee.color_space
            header.colorSpaceSupported =
                space != OPJ_CLRSPC_SYCC && space != OPJ_CLRSPC_EYCC && space != OPJ_CLRSPC_CMYK
            if let comps = image.pointee.comps, header.components > 0 {
                let first = comps.pointee
                header.precision = Int(first.prec)
                header.signed = first.sgnd != 0
                for index in 0..<header.components {
                    let component = (comps + index).pointee
                    if component.dx != 1 || component.dy != 1 || component.prec != first.prec
                        || component.sgnd != first.sgnd
                    {
                        header.uniform = false
                    }
                }
            }
            var info: UnsafeMutablePointer<opj_codestream_info_v2_t>? = opj_get_cstr_info(codec)
            if let codestream = info?.pointee {
                header.layers = Int(codestream.m_default_tile_info.numlayers)
                // The smallest count over the components: a COC may give one fewer decomposition levels.
                if let components = codestream.m_default_tile_info.tccp_info, codestream.nbcomps > 0 {
                    header.resolutions =
                        (0..<Int(codestream.nbcomps)).map {
                            Int(components[$0].numresolutions)
                        }.min() ?? 0
                }
            }
            opj_destroy_cstr_info(&info)
            return header
        }
    }
}
