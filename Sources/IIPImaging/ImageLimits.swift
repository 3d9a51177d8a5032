/// Bounds on what an image file's header or a request may make the imaging layer allocate or loop over.
///
/// Every value read from a file or a request that reaches an allocation size, a loop count or an integer
/// conversion is checked against these limits first, so that a hostile file or request gets an ``ImagingError``
/// (never a trap, never a giant allocation). The defaults are generous for real pyramids (iipsrv serves images a
/// few hundred thousand pixels across) and keep every derived product (`width * height`, tile counts, byte counts)
/// far below `Int.max` and tile numbers below `UInt32.max`, libtiff's tile index type.
///
/// Every limit is a parameter with a default, so that the server can make them configurable.
public struct ImageLimits: Sendable, Hashable {
    /// The largest width or height of any level, in pixels: 2^22 = 4,194,304 by default, ten times the largest
    /// images iipsrv is known to serve. Zero is never allowed.
    public var maxImageSide: Int
    /// The largest tile width or height, in pixels: 65,536 by default (tiles are usually 256 or 512).
    public var maxTileSide: Int
    /// The largest decoded tile, all sample planes together, in bytes: 256 MiB by default, libtiff's cap on a
    /// single allocation for our handles.
    public var maxTileBytes: Int
    /// The most tiles one level may have, counting each sample plane of planar-separate data: 2^26 by default
    /// (a 4-million-pixel-square level in 512-pixel tiles needs 2^26).
    public var maxTilesPerLevel: Int
    /// The most resolution levels a pyramid may have: 64 by default (halving a 2^22-pixel side reaches one pixel
    /// after 23 levels).
    public var maxLevels: Int
    /// The most directories (top-level IFDs or SubIFDs) examined while looking for levels: 1,024 by default.
    public var maxDirectories: Int
    /// The most samples per pixel: 256 by default (multispectral images can have many bands).
    public var maxSamplesPerPixel: Int
    /// The largest ICC profile or XMP packet kept from a file, in bytes: 16 MiB by default. A larger one is left
    /// out of the description rather than refused.
    public var maxMetadataBytes: Int
    /// The largest buffer one processing step may allocate (resize, rotation, floating-point chain, JPEG decode),
    /// in bytes: 4 GiB by default. A backstop against absurd sizes rather than a memory budget (the server's own
    /// limits, such as MAX_EXPORT_PIXELS, are that): the floating-point chain over the 10^8 RGB source pixels the
    /// server allows by default needs 2.4 GB.
    public var maxBufferBytes: Int
    /// The most tiles a JPEG 2000 codestream may declare: 16,384 by default (a 131,072-pixel square in
    /// 1,024-pixel tiles). OpenJPEG copies several kilobytes of coding parameters per declared tile every time
    /// it reads the header, which it does for every decode.
    public var maxCodestreamTiles: Int

    /// Creates limits; every one has a default.
    public init(
        maxImageSide: Int = 1 << 22, maxTileSide: Int = 65536, maxTileBytes: Int = 256 << 20,
        maxTilesPerLevel: Int = 1 << 26, maxLevels: Int = 64, maxDirectories: Int = 1024,
        maxSamplesPerPixel: Int = 256, maxMetadataBytes: Int = 16 << 20, maxBufferBytes: Int = 1 << 32,
        maxCodestreamTiles: Int = 16384
    ) {
        self.maxImageSide = maxImageSide
        self.maxTileSide = maxTileSide
        self.maxTileBytes = maxTileBytes
        self.maxTilesPerLevel = maxTilesPerLevel
        self.maxLevels = maxLevels
        self.maxDirectories = maxDirectories
        self.maxSamplesPerPixel = maxSamplesPerPixel
        self.maxMetadataBytes = maxMetadataBytes
        self.maxBufferBytes = maxBufferBytes
        self.maxCodestreamTiles = maxCodestreamTiles
    }

    /// The defaults.
    public static let `default` = ImageLimits()
}
