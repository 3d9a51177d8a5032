public import IIPImaging
public import IIPModel

/// Identifies one encoded tile: the image (path and modification time), the tile, and everything that
/// changes its bytes (iipsrv-reference §8.1, extended with the processing so processed tiles can be cached).
public struct TileKey: Sendable, Hashable {
    /// The image path as requested (after decoding and `../` filtering, without prefix or suffix).
    public var imagePath: String
    /// The file's modification time in nanoseconds, so a changed file never serves stale tiles.
    public var modified: Int64
    /// IIP resolution number.
    public var resolution: Int
    /// Row-major tile index.
    public var tile: Int
    /// Sequence angles or stack index.
    public var horizontalAngle: Int
    /// Vertical sequence angle.
    public var verticalAngle: Int
    /// Output encoding.
    public var format: OutputFormat
    /// Encoder quality.
    public var quality: Int
    /// Pixel processing applied before encoding.
    public var processing: ImageProcessing
    /// JPEG 2000 quality layers asked for (LYR), `nil` for the default.
    public var layers: Int?

    /// Creates a key.
    public init(
        imagePath: String, modified: Int64, resolution: Int, tile: Int, horizontalAngle: Int = 0,
        verticalAngle: Int = 90, format: OutputFormat, quality: Int, processing: ImageProcessing = ImageProcessing(),
        layers: Int? = nil
    ) {
        self.layers = layers
        self.imagePath = imagePath
        self.modified = modified
        self.resolution = resolution
        self.tile = tile
        self.horizontalAngle = horizontalAngle
        self.verticalAngle = verticalAngle
        self.format = format
        self.quality = quality
        self.processing = processing
    }

    /// Bytes an entry costs beyond its data (key, bookkeeping), for the cache budget.
    var overhead: Int { imagePath.utf8.count + 96 }
}
