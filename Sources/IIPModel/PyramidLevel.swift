/// One resolution of a multi-resolution image and the tile grid that covers it.
///
/// Edge tiles are cropped to the level, never padded (iipsrv-reference §2).
public struct PyramidLevel: Sendable, Hashable {
    /// Width of the whole level in pixels.
    public var width: Int
    /// Height of the whole level in pixels.
    public var height: Int
    /// Nominal tile width in pixels.
    public var tileWidth: Int
    /// Nominal tile height in pixels.
    public var tileHeight: Int

    /// Creates a level description.
    public init(width: Int, height: Int, tileWidth: Int, tileHeight: Int) {
        self.width = width
        self.height = height
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
    }

    /// Number of tile columns; 0 when the width or the tile width is not positive.
    public var tilesAcross: Int { width.ceilingDivision(by: tileWidth) }
    /// Number of tile rows; 0 when the height or the tile height is not positive.
    public var tilesDown: Int { height.ceilingDivision(by: tileHeight) }
    /// Number of tiles, counted row-major from the top left (`Int.max` if the count does not fit).
    public var tileCount: Int { tilesAcross.saturatingMultiply(tilesDown) }

    /// The pixel rectangle a tile covers, cropped at the right and bottom edges.
    ///
    /// - Parameter index: A row-major tile index, `0..<tileCount`.
    /// - Returns: The rectangle, or `nil` when the index is out of range.
    public func tileRect(_ index: Int) -> PixelRect? {
        guard index >= 0, index < tileCount else { return nil }
        let across = tilesAcross
        let column = index % across
        let row = index / across
        guard row < tilesDown else { return nil }
        // column < tilesAcross and row < tilesDown, so both offsets are inside the level.
        let x = column * tileWidth
        let y = row * tileHeight
        return PixelRect(x: x, y: y, width: min(tileWidth, width - x), height: min(tileHeight, height - y))
    }

    /// The row-major indices of the tiles that overlap `rect`; none for an empty rectangle or one that is not
    /// inside the level.
    public func tiles(covering rect: PixelRect) -> [Int] {
        guard rect.width > 0, rect.height > 0, rect.x >= 0, rect.y >= 0, tileWidth > 0, tileHeight > 0,
            rect.maxX <= width, rect.maxY <= height
        else { return [] }
        let firstColumn = rect.x / tileWidth
        let lastColumn = (rect.maxX - 1) / tileWidth
        let firstRow = rect.y / tileHeight
        let lastRow = (rect.maxY - 1) / tileHeight
        var tiles: [Int] = []
        tiles.reserveCapacity((lastColumn - firstColumn + 1) * (lastRow - firstRow + 1))
        for row in firstRow...lastRow {
            for column in firstColumn...lastColumn { tiles.append(row * tilesAcross + column) }
        }
        return tiles
    }
}
