/// Reduces the bands of 8-bit pixels to what an encoder accepts (iipsrv-reference §6.2 step 5).
public enum ChannelFlattening {
    /// Two bands (grey + alpha) become one; more than three become the first three; others are unchanged.
    ///
    /// Buffers that are not 8-bit, or whose bytes do not match their dimensions, are returned unchanged.
    ///
    /// - Parameter keepAlpha: Keep a fourth (or second) band for encoders with alpha (PNG, WebP).
    public static func flatten(_ pixels: PixelBuffer, keepAlpha: Bool = false) -> PixelBuffer {
        let target: Int
        switch pixels.channels {
        case 2: target = keepAlpha ? 2 : 1
        case 4 where keepAlpha: target = 4
        case 3...: target = 3
        default: target = pixels.channels
        }
        guard target != pixels.channels, pixels.bitsPerSample == 8, pixels.isConsistent else { return pixels }
        let pixelCount = pixels.width * pixels.height
        var output = [UInt8](repeating: 0, count: pixelCount * target)
        let stride = pixels.channels
        pixels.bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                for pixel in 0..<pixelCount {
                    for channel in 0..<target {
                        destination[pixel * target + channel] = source[pixel * stride + channel]
                    }
                }
            }
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: target, bytes: output)
    }
}
