public import IIPImaging
public import IIPModel
public import IIPProtocol

/// What the pipeline must do to answer a request, once its commands have been interpreted.
public enum Plan: Sendable {
    /// The answer is ready (metadata, errors, 304 ...).
    case respond(ServerResponse)
    /// One tile.
    case tile(TileJob)
    /// A FlashPix-style range of tiles (TIL).
    case tiles(TileRangeJob)
    /// A region export (CVT).
    case region(RegionJob)
}

/// One tile to produce.
public struct TileJob: Sendable {
    /// The open image.
    public var image: OpenImage
    /// IIP resolution number.
    public var resolution: Int
    /// Row-major tile index.
    public var tile: Int
    /// Output encoding.
    public var format: EncodedFormat
    /// Encoder quality.
    public var quality: Int
    /// Whether the quality is the configured default (no QLT), which allows codec pass-through.
    public var qualityIsDefault: Bool
    /// Pixel processing.
    public var processing: ImageProcessing
    /// Sequence angles.
    public var angles: (x: Int, y: Int)
    /// Headers added to the response (IIIF Link headers).
    public var extraHeaders: [(name: String, value: String)] = []

    /// The cache key of the encoded tile.
    public var key: TileKey {
        TileKey(
            imagePath: image.path, modified: image.status.modified, resolution: resolution, tile: tile,
            horizontalAngle: angles.x, verticalAngle: angles.y, format: format, quality: quality,
            processing: processing)
    }
}

/// TIL: the tiles of a rectangle, each encoded as JPEG.
public struct TileRangeJob: Sendable {
    /// The tile jobs, in the order they are written (column-major, iipsrv-reference §3.4).
    public var tiles: [TileJob]
}

/// A region to export.
public struct RegionJob: Sendable {
    /// The open image.
    public var image: OpenImage
    /// Level, source rectangle and output size.
    public var plan: RegionExportPlan
    /// Output encoding.
    public var format: EncodedFormat
    /// Encoder quality.
    public var quality: Int
    /// A TIFF compression named by QLT (`comp:q`).
    public var compression: String?
    /// Pixel processing.
    public var processing: ImageProcessing
    /// Resampling method.
    public var interpolation: Resampling
    /// Sequence angles.
    public var angles: (x: Int, y: Int)
    /// Headers added to the response (IIIF Link headers).
    public var extraHeaders: [(name: String, value: String)] = []
    /// Whether the response names a file (CVT's Content-Disposition).
    public var disposition = true
}

/// Resampling methods for exports.
public enum Resampling: Sendable, Hashable {
    /// Nearest neighbour.
    case nearest
    /// Bilinear.
    case bilinear
}
