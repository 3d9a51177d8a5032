public import IIPModel

/// A IIIF image request that is exactly one tile of one pyramid level, so it can be served from the tile path
/// (tile cache, JPEG pass-through) instead of a region export (iipsrv-reference §4.4 Dispatch).
public struct IIIFTileMatch: Sendable, Hashable {
    /// The IIP resolution number, 0 = smallest.
    public var resolution: Int
    /// The row-major tile index at that resolution.
    public var tile: Int

    /// Creates a match.
    public init(resolution: Int, tile: Int) {
        self.resolution = resolution
        self.tile = tile
    }

    /// The tile a plan asks for, or `nil` when it is not exactly one tile.
    ///
    /// A level with scale factor `s = round(fullWidth / levelWidth)` (the value info.json advertises) matches when
    /// the region starts at a multiple of `tileWidth*s`, `tileHeight*s`, spans one such tile (cropped at the right
    /// and bottom edges of the image), and the output is that tile's size at the level. Below full resolution the
    /// output may differ by one pixel in each dimension, for the `ceil(w/s)` sizes OpenSeadragon and Leaflet send
    /// (the tile is then served at its own size). Only unrotated, unmirrored `default` or `color` requests match.
    public static func match(_ plan: IIIFImagePlan, in image: ImageDescription) -> IIIFTileMatch? {
        guard plan.rotation.isIdentity, plan.quality == .default || plan.quality == .color else { return nil }
        let fullWidth = image.width
        let fullHeight = image.height
        let region = plan.region
        for (resolution, level) in image.levels.enumerated().reversed() {
            guard level.width > 0, level.height > 0, level.tileWidth > 0, level.tileHeight > 0 else { continue }
            let scale = IIIFInfo.scaleFactor(of: level, fullWidth: fullWidth)
            // Positive, as tile sizes and the scale are; saturating for absurd tile sizes.
            let spanX = level.tileWidth.saturatingMultiply(scale)
            let spanY = level.tileHeight.saturatingMultiply(scale)
            guard region.x % spanX == 0, region.y % spanY == 0 else { continue }
            let column = region.x / spanX
            let row = region.y / spanY
            guard column < level.tilesAcross, row < level.tilesDown,
                region.width == min(spanX, fullWidth.saturatingSubtract(region.x)),
                region.height == min(spanY, fullHeight.saturatingSubtract(region.y))
            else { continue }
            let tile = row.saturatingMultiply(level.tilesAcross).saturatingAdd(column)
            guard let rect = level.tileRect(tile) else { continue }
            let tolerance = scale > 1 ? 1 : 0
            // Compared without subtracting from the plan's sizes, which could overflow for absurd ones.
            guard plan.width >= rect.width - tolerance, plan.width <= rect.width + tolerance,
                plan.height >= rect.height - tolerance, plan.height <= rect.height + tolerance
            else { continue }
            return IIIFTileMatch(resolution: resolution, tile: tile)
        }
        return nil
    }
}
