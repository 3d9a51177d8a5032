public import IIPModel

extension PixelBuffer {
    /// Places decoded tiles of `level` into one buffer covering `rect`.
    ///
    /// - Parameter tiles: Row-major tile indices and their pixels, as decoded (cropped at the level's edges).
    /// - Throws: ``ImagingError/tooLarge(_:)`` or ``ImagingError/invalidParameter(_:)`` when the region's buffer
    ///   would exceed `maxBytes` or its size is invalid.
    public static func composing(
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
