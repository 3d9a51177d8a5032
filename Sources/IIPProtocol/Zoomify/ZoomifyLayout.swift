public import IIPModel

/// An IIP tile a Zoomify tile maps to.
public struct ZoomifyTile: Sendable, Hashable {
    /// The IIP resolution number, 0 = smallest.
    public var resolution: Int
    /// The row-major tile index at that resolution.
    public var tile: Int

    /// Creates a tile reference.
    public init(resolution: Int, tile: Int) {
        self.resolution = resolution
        self.tile = tile
    }
}

/// Zoomify's view of a pyramid, as iipsrv master computes it (iipsrv-reference §3.6).
///
/// With `tw` the full-resolution tile width: levels smaller than `tw` in both width and height are counted, and
/// `discard = max(count - 1, 0)` of them (the smallest) are hidden, so Zoomify level 0 is the largest level that fits
/// in one tile. Zoomify level `z` is IIP resolution `z + discard`, and tile `x`, `y` is index `y*ntlx + x` on that
/// level's tile grid. NUMTILES is 1 plus the tile count `ceil(w/tw)*ceil(h/tw)` of every level not smaller than
/// `tw` in both dimensions (the count of master, after PR #175), saturating at `Int.max`.
public struct ZoomifyLayout: Sendable, Hashable {
    /// The image.
    public var image: ImageDescription
    /// TILESIZE: the full-resolution level's tile width.
    public var tileSize: Int
    /// The number of small pyramid levels Zoomify does not see.
    public var discard: Int
    /// NUMTILES of ImageProperties.xml.
    public var numTiles: Int

    /// Computes the layout of `image`.
    public init(image: ImageDescription) {
        self.image = image
        let tileWidth = max(1, image.levels.last?.tileWidth ?? 256)
        self.tileSize = tileWidth
        var small = 0
        var tiles = 1
        for level in image.levels {
            if level.width < tileWidth && level.height < tileWidth {
                small += 1
            } else {
                let count = level.width.ceilingDivision(by: tileWidth)
                    .saturatingMultiply(level.height.ceilingDivision(by: tileWidth))
                tiles = tiles.saturatingAdd(count)
            }
        }
        self.discard = max(small - 1, 0)
        self.numTiles = tiles
    }

    /// The number of Zoomify levels.
    public var levelCount: Int { max(image.levels.count - discard, 0) }

    /// The IIP tile for Zoomify tile `x`, `y` of level `level`; a level or tile that does not exist is a 404 error.
    public func tile(level: Int, x: Int, y: Int) throws(ProtocolError) -> ZoomifyTile {
        // `level < levelCount` rather than `level + discard < count`: the sum could overflow.
        guard level >= 0, level < levelCount else {
            throw ProtocolError(status: 404, message: "Zoomify: no level \(level)")
        }
        let resolution = level + discard
        let pyramidLevel = image.levels[resolution]
        guard x >= 0, y >= 0, x < pyramidLevel.tilesAcross, y < pyramidLevel.tilesDown else {
            throw ProtocolError(status: 404, message: "Zoomify: no tile \(x)-\(y) at level \(level)")
        }
        let tile = y.saturatingMultiply(pyramidLevel.tilesAcross).saturatingAdd(x)
        // Only a grid of more than Int.max tiles has an index that does not fit.
        guard pyramidLevel.tileRect(tile) != nil else {
            throw ProtocolError(status: 404, message: "Zoomify: tile \(x)-\(y) at level \(level) has no index")
        }
        return ZoomifyTile(resolution: resolution, tile: tile)
    }
}
