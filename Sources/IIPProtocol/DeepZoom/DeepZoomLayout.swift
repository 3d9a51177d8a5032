public import IIPModel

/// Where the pixels of one DeepZoom tile come from.
public enum DeepZoomTileSource: Sendable, Hashable {
    /// A tile of the pyramid, unchanged: IIP resolution (0 = smallest) and row-major tile index.
    case pyramidTile(resolution: Int, tile: Int)
    /// A region of the full-resolution image, scaled to `width` x `height`.
    case region(fullRect: PixelRect, width: Int, height: Int)
}

/// The DeepZoom level structure of an image and how each tile maps onto its pyramid (iipsrv-reference §3.7).
///
/// `maxLevel = ceil(log2(max(w, h)))`; level `L` is `ceil(w / 2^(maxLevel-L))` x `ceil(h / 2^(maxLevel-L))`, cut
/// into `tileSize` tiles with no overlap. A level whose size and tile size equal a pyramid level's is served from
/// that level's tiles. Every other level (those below the smallest pyramid level, or a pyramid whose level sizes or
/// tile sizes do not line up) is a region of the full image scaled to the tile's size: this project produces correct
/// downscales where iipsrv repeats the smallest level's tile. Levels above `maxLevel` and tiles outside a level's
/// grid are 404, where iipsrv returns full-resolution tiles.
public struct DeepZoomLayout: Sendable, Hashable {
    /// The image.
    public var image: ImageDescription
    /// The DeepZoom tile size (the descriptor's TileSize).
    public var tileSize: Int
    /// The largest DeepZoom level: the full-resolution image.
    public var maxLevel: Int

    /// Creates the layout; the tile size defaults to the full-resolution level's tile width, as iipsrv uses.
    public init(image: ImageDescription, tileSize: Int? = nil) {
        self.image = image
        let size = tileSize ?? image.levels.last?.tileWidth ?? 256
        self.tileSize = max(1, size)
        self.maxLevel = Self.levelCount(longest: max(image.width, image.height, 1))
    }

    /// `ceil(log2(longest))` for `longest >= 1`: the number of halvings from `longest` pixels down to one.
    static func levelCount(longest: Int) -> Int {
        longest <= 1 ? 0 : Int.bitWidth - (longest - 1).leadingZeroBitCount
    }

    /// The size of DeepZoom level `level`, or `nil` when there is no such level.
    public func levelSize(_ level: Int) -> (width: Int, height: Int)? {
        guard level >= 0, level <= maxLevel, image.width > 0, image.height > 0 else { return nil }
        let divisor = Int.powerOfTwo(maxLevel - level)
        return (image.width.ceilingDivision(by: divisor), image.height.ceilingDivision(by: divisor))
    }

    /// The number of tile columns and rows of level `level`, or `nil` when there is no such level.
    public func tileGrid(level: Int) -> (columns: Int, rows: Int)? {
        levelSize(level).map { ($0.width.ceilingDivision(by: tileSize), $0.height.ceilingDivision(by: tileSize)) }
    }

    /// Where tile `x`, `y` of level `level` comes from; a level or tile that does not exist is a 404 error.
    public func source(level: Int, x: Int, y: Int) throws(ProtocolError) -> DeepZoomTileSource {
        guard let size = levelSize(level), let grid = tileGrid(level: level) else {
            throw ProtocolError(status: 404, message: "DeepZoom: no level \(level) (0...\(maxLevel))")
        }
        guard x >= 0, y >= 0, x < grid.columns, y < grid.rows else {
            throw ProtocolError(status: 404, message: "DeepZoom: no tile \(x)_\(y) at level \(level)")
        }
        // A pyramid level serves a DeepZoom level when it has its size or one pixel less in either direction
        // (DeepZoom rounds level sizes up, most pyramid writers round down), the same tiles and the same grid:
        // its tiles are then served unchanged, as iipsrv serves them.
        if let resolution = image.levels.firstIndex(where: {
            (size.width - 1...size.width).contains($0.width) && (size.height - 1...size.height).contains($0.height)
                && $0.tileWidth == tileSize && $0.tileHeight == tileSize && $0.tilesAcross == grid.columns
                && $0.tilesDown == grid.rows
        }) {
            let tile = y.saturatingMultiply(grid.columns).saturatingAdd(x)
            // Only a grid of more than Int.max tiles has an index that does not fit: it is served as a region.
            if image.levels[resolution].tileRect(tile) != nil {
                return .pyramidTile(resolution: resolution, tile: tile)
            }
        }
        // x < columns and y < rows keep every offset inside the level; the products with the scale can only
        // pass the full size by less than one scale step, and saturate rather than overflow.
        let scale = Int.powerOfTwo(maxLevel - level)
        let left = x * tileSize
        let top = y * tileSize
        let width = min(tileSize, size.width - left)
        let height = min(tileSize, size.height - top)
        let fullLeft = min(left.saturatingMultiply(scale), image.width)
        let fullTop = min(top.saturatingMultiply(scale), image.height)
        let fullRight = min((left + width).saturatingMultiply(scale), image.width)
        let fullBottom = min((top + height).saturatingMultiply(scale), image.height)
        return .region(
            fullRect: PixelRect(x: fullLeft, y: fullTop, width: fullRight - fullLeft, height: fullBottom - fullTop),
            width: width, height: height)
    }
}
