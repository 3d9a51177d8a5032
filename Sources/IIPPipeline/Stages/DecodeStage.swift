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

    /// The tiles of `resolution` that overlap `rect`; none for an empty rectangle or one outside the level.
    public func tiles(covering rect: PixelRect, in level: PyramidLevel) -> [Int] {
        guard rect.width > 0, rect.height > 0, rect.x >= 0, rect.y >= 0, level.tileWidth > 0, level.tileHeight > 0,
            rect.maxX <= level.width, rect.maxY <= level.height
        else { return [] }
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
    ///
    /// - Throws: ``ImagingError/tooLarge(_:)`` or ``ImagingError/invalidParameter(_:)`` when the region's buffer
    ///   would exceed `maxBytes` or its size is invalid.
    public func compose(
        _ tiles: [(index: Int, pixels: PixelBuffer)], rect: PixelRect, level: PyramidLevel,
        maxBytes: Int = ImageLimits.default.maxBufferBytes
    ) throws(ImagingError) -> PixelBuffer {
        guard let first = tiles.first?.pixels else { return PixelBuffer(width: 0, height: 0, channels: 1) }
        var region = try PixelBuffer.zeroed(
            width: rect.width, height: rect.height, channels: first.channels, bitsPerSample: first.bitsPerSample,
            sampleFormat: first.sampleFormat, maxBytes: maxBytes)
        for (index, pixels) in tiles {
            guard let tileRect = level.tileRect(index) else { continue }
            region.blit(pixels, atX: tileRect.x - rect.x, y: tileRect.y - rect.y)
        }
        return region
    }
}
