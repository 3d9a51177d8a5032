public import IIPModel

/// What a protocol request asks the pipeline to do, decided without any I/O: the typed edge between the
/// protocols (which plan) and the pipeline (which executes).
public enum ImagePlan: Sendable {
    /// A text answer about the image or the server: OBJ lines, info.json, a `.dzi`, ImageProperties.xml.
    case document(Document)
    /// 303 See Other to a URL (the IIIF base URI, iipsrv-reference §4.2).
    case redirect(location: String)
    /// One tile of one pyramid level.
    case tile(TilePlan)
    /// A FlashPix-style range of tiles in one body (TIL, iipsrv-reference §3.4).
    case tiles(TileRangePlan)
    /// A region of the image, resized and encoded (CVT, IIIF and DeepZoom requests that are not one tile).
    case region(RegionPlan)
    /// Raw sample values of every view at one place, as text (SPECTRA, PFL).
    case samples(SamplePlan)
}

/// What a protocol adds to its answer beyond the bytes: Link relations, private caching, a file name.
public struct Delivery: Sendable, Hashable {
    /// The Link header value (IIIF's canonical and profile relations).
    public var link: String?
    /// Whether the answer may only be cached privately (IIIF answers negotiated to a version other than the
    /// configured one).
    public var privateCache: Bool
    /// A file name for Content-Disposition (CVT), or `nil` for none.
    public var fileName: String?
    /// Whether the file is offered for saving (`attachment`) rather than shown (`inline`): CVT requests sent with
    /// POST, as iipsrv 1.2 and later answer them (iipsrv-reference §5.4).
    public var attachment: Bool
    /// Whether the answer depends on the Accept header (IIIF's version negotiation): `Vary: Accept`.
    public var varyAccept: Bool

    /// Creates annotations; none by default.
    public init(
        link: String? = nil, privateCache: Bool = false, fileName: String? = nil, attachment: Bool = false,
        varyAccept: Bool = false
    ) {
        self.link = link
        self.privateCache = privateCache
        self.fileName = fileName
        self.attachment = attachment
        self.varyAccept = varyAccept
    }

    /// The Content-Disposition value, when there is a file name.
    public var contentDisposition: String? {
        fileName.map { "\(attachment ? "attachment" : "inline"); filename=\"\($0)\"" }
    }
}

/// A text answer.
public struct Document: Sendable {
    /// The text, given or made on demand.
    public enum Body: Sendable {
        /// A text, sent as it is.
        case text(String)
        /// A text that depends only on the image and `key`, so the pipeline may keep it with the open image and
        /// call `make` only the first time (info.json).
        case memoized(key: String, make: @Sendable () -> String)
    }

    /// The text.
    public var body: Body
    /// Its media type.
    public var mediaType: String
    /// Link, caching and naming.
    public var delivery: Delivery

    /// Creates a document.
    public init(_ body: Body, mediaType: String, delivery: Delivery = Delivery()) {
        self.body = body
        self.mediaType = mediaType
        self.delivery = delivery
    }
}

/// How the output of a tile or region is encoded and processed.
public struct Rendering: Sendable, Hashable {
    /// The encoding.
    public var format: OutputFormat
    /// The encoder quality, already clamped for the format.
    public var quality: Int
    /// Whether the quality is the configured default (no QLT): a stored tile may then be sent as stored.
    public var qualityIsDefault: Bool
    /// Pixel processing.
    public var processing: ImageProcessing
    /// Sequence angles (IIP SDS), horizontal and vertical.
    public var angles: SequenceAngles
    /// JPEG 2000 quality layers asked for (IIP LYR), or `nil` for the server's MAX_LAYERS.
    public var layers: Int?

    /// Creates a rendering.
    public init(
        format: OutputFormat, quality: Int, qualityIsDefault: Bool = true,
        processing: ImageProcessing = ImageProcessing(), angles: SequenceAngles = SequenceAngles(), layers: Int? = nil
    ) {
        self.layers = layers
        self.format = format
        self.quality = quality
        self.qualityIsDefault = qualityIsDefault
        self.processing = processing
        self.angles = angles
    }

    /// Whether a stored tile can be sent without decoding: JPEG, default quality, no processing.
    public var allowsPassThrough: Bool {
        (format == .jpeg || format == .webp) && qualityIsDefault && processing.isIdentity
    }
}

/// The horizontal and vertical angles of an image sequence (IIP SDS, iipsrv-reference §2.1).
public struct SequenceAngles: Sendable, Hashable {
    /// Horizontal angle.
    public var horizontal: Int
    /// Vertical angle.
    public var vertical: Int

    /// Creates angles; iipsrv's default is 0, 90.
    public init(horizontal: Int = 0, vertical: Int = 90) {
        self.horizontal = horizontal
        self.vertical = vertical
    }
}

/// One tile.
public struct TilePlan: Sendable, Hashable {
    /// IIP resolution number, 0 = smallest.
    public var resolution: Int
    /// Row-major tile index at that resolution.
    public var tile: Int
    /// Encoding and processing.
    public var rendering: Rendering
    /// Link, caching and naming.
    public var delivery: Delivery

    /// Creates a tile plan.
    public init(resolution: Int, tile: Int, rendering: Rendering, delivery: Delivery = Delivery()) {
        self.resolution = resolution
        self.tile = tile
        self.rendering = rendering
        self.delivery = delivery
    }
}

/// TIL: tiles of one level, in the order they are written (column by column, iipsrv-reference §3.4).
public struct TileRangePlan: Sendable, Hashable {
    /// IIP resolution number.
    public var resolution: Int
    /// Row-major tile indices, in answer order.
    public var tiles: [Int]
    /// Encoding and processing of every tile.
    public var rendering: Rendering
    /// The compression type each record declares (``IIPTileRecord/compressionType(bitsPerSample:)``).
    public var compressionType: UInt8

    /// Creates a range plan.
    public init(resolution: Int, tiles: [Int], rendering: Rendering, compressionType: UInt8 = 2) {
        self.resolution = resolution
        self.tiles = tiles
        self.rendering = rendering
        self.compressionType = compressionType
    }

    /// The media type of the answer.
    public var mediaType: String { IIPTileRecord.mediaType }

    /// What precedes tile `tile` of `byteCount` encoded bytes in the answer.
    public func header(tile: Int, byteCount: Int) -> [UInt8] {
        IIPTileRecord.header(
            resolution: resolution, tile: tile, byteCount: byteCount, compressionType: compressionType)
    }

    /// What follows each tile in the answer.
    public var trailer: [UInt8] { IIPTileRecord.trailer }
}

/// A region export.
public struct RegionPlan: Sendable, Hashable {
    /// Level, source rectangle and output size.
    public var export: RegionExportPlan
    /// Encoding and processing.
    public var rendering: Rendering
    /// A TIFF compression named by QLT (`comp:q`), overriding TIFF_COMPRESSION.
    public var compression: String?
    /// How the region is resized.
    public var resampling: Resampling
    /// Link, caching and naming.
    public var delivery: Delivery

    /// Creates a region plan.
    public init(
        export: RegionExportPlan, rendering: Rendering, compression: String? = nil, resampling: Resampling = .bilinear,
        delivery: Delivery = Delivery()
    ) {
        self.export = export
        self.rendering = rendering
        self.compression = compression
        self.resampling = resampling
        self.delivery = delivery
    }
}
