public import IIPImaging
public import IIPModel

/// Stage 4, Decode: file to pixels, with a handle from the image's pool. Blocking: called on codec threads.
public struct DecodeStage: Sendable {
    /// Creates the stage.
    public init() {}

    /// Decodes one tile.
    public func tile(_ image: OpenImage, resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        try image.readTile(resolution: resolution, tile: tile)
    }

    /// The tiles of `resolution` that overlap `rect`.
    public func tiles(covering rect: PixelRect, in level: PyramidLevel) -> [Int] {
        let firstColumn = rect.x / level.tileWidth
        let lastColumn = (rect.maxX - 1) / level.tileWidth
        let firstRow = rect.y / level.tileHeight
        let lastRow = (rect.maxY - 1) / level.tileHeight
        var tiles: [Int] = []
        for row in firstRow...lastRow {
            for column in firstColumn...lastColumn { tiles.append(row * level.tilesAcross + column) }
        }
        return tiles
    }

    /// Places decoded tiles into one buffer covering `rect` of `level`.
    public func compose(
        _ tiles: [(index: Int, pixels: PixelBuffer)], rect: PixelRect, level: PyramidLevel
    ) -> PixelBuffer {
        guard let first = tiles.first?.pixels else { return PixelBuffer(width: 0, height: 0, channels: 1) }
        var region = PixelBuffer(
            width: rect.width, height: rect.height, channels: first.channels, bitsPerSample: first.bitsPerSample,
            sampleFormat: first.sampleFormat)
        for (index, pixels) in tiles {
            guard let tileRect = level.tileRect(index) else { continue }
            region.blit(pixels, atX: tileRect.x - rect.x, y: tileRect.y - rect.y)
        }
        return region
    }
}
