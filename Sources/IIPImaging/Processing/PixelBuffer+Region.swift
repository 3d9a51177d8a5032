extension PixelBuffer {
    /// Copies the part of `tile` that overlaps this buffer, where `tile`'s top-left pixel sits at
    /// (`x`, `y`) in this buffer's coordinates. Both must have the same channels and sample size.
    public mutating func blit(_ tile: PixelBuffer, atX x: Int, y: Int) {
        precondition(tile.bytesPerPixel == bytesPerPixel, "blit needs matching pixel layouts")
        let left = max(x, 0)
        let top = max(y, 0)
        let right = min(x + tile.width, width)
        let bottom = min(y + tile.height, height)
        guard right > left, bottom > top else { return }
        let rowLength = (right - left) * bytesPerPixel
        let destinationRowBytes = rowBytes
        let sourceRowBytes = tile.rowBytes
        let pixelBytes = bytesPerPixel
        bytes.withUnsafeMutableBytes { destination in
            tile.bytes.withUnsafeBytes { source in
                for row in top..<bottom {
                    let from = (row - y) * sourceRowBytes + (left - x) * pixelBytes
                    let to = row * destinationRowBytes + left * pixelBytes
                    (destination.baseAddress! + to).copyMemory(from: source.baseAddress! + from, byteCount: rowLength)
                }
            }
        }
    }

    /// The pixels inside `x, y, width, height`, which must lie within this buffer.
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> PixelBuffer {
        var result = PixelBuffer(
            width: width, height: height, channels: channels, bitsPerSample: bitsPerSample,
            sampleFormat: sampleFormat)
        result.blit(self, atX: -x, y: -y)
        return result
    }
}
