import IIPModel

extension PixelBuffer {
    /// Copies the part of `tile` that overlaps this buffer, where `tile`'s top-left pixel sits at
    /// (`x`, `y`) in this buffer's coordinates. Both must have the same channels and sample size.
    ///
    /// - Returns: `false`, copying nothing, when the layouts differ or either buffer's bytes do not match its
    ///   dimensions; `true` otherwise (also when the tile lies outside).
    @discardableResult
    public mutating func blit(_ tile: PixelBuffer, atX x: Int, y: Int) -> Bool {
        guard tile.bytesPerPixel == bytesPerPixel, tile.bitsPerSample == bitsPerSample, isConsistent,
            tile.isConsistent
        else { return false }
        // Offsets may be anything: clamp with saturating sums so that a far-away tile simply misses.
        let left = max(x, 0)
        let top = max(y, 0)
        let right = min(x.saturatingAdd(tile.width), width)
        let bottom = min(y.saturatingAdd(tile.height), height)
        guard right > left, bottom > top else { return true }
        let rowLength = (right - left) * bytesPerPixel
        let destinationRowBytes = rowBytes
        let sourceRowBytes = tile.rowBytes
        let pixelBytes = bytesPerPixel
        bytes.withUnsafeMutableBytes { destination in
            tile.bytes.withUnsafeBytes { source in
                guard let to = destination.baseAddress, let from = source.baseAddress else { return }
                for row in top..<bottom {
                    let sourceOffset = (row - y) * sourceRowBytes + (left - x) * pixelBytes
                    let destinationOffset = row * destinationRowBytes + left * pixelBytes
                    (to + destinationOffset).copyMemory(from: from + sourceOffset, byteCount: rowLength)
                }
            }
        }
        return true
    }

    /// The pixels inside `x, y, width, height`, which should lie within this buffer; the part outside is zero.
    ///
    /// Negative sizes count as 0 and sizes are capped at this buffer's, so the result is never larger than the
    /// source.
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> PixelBuffer {
        guard isConsistent else {
            return PixelBuffer(
                width: 0, height: 0, channels: max(channels, 0),
                bitsPerSample: Self.isSupported(bitsPerSample: bitsPerSample) ? bitsPerSample : 8,
                sampleFormat: sampleFormat, bytes: [])
        }
        // Capped at this buffer's size, so the product fits: this buffer's own byte count did.
        let croppedWidth = min(max(width, 0), self.width)
        let croppedHeight = min(max(height, 0), self.height)
        var result = PixelBuffer(
            width: croppedWidth, height: croppedHeight, channels: channels, bitsPerSample: bitsPerSample,
            sampleFormat: sampleFormat)
        result.blit(self, atX: 0.saturatingSubtract(x), y: 0.saturatingSubtract(y))
        return result
    }
}
