/// sRGB to grey with iipsrv's fixed-point Rec. 709 weights on gamma-encoded values (iipsrv-reference §6.2 step 6).
public enum GreyConversion {
    /// One grey band from the first three bands of 8-bit `pixels`; other buffers (and ones whose bytes do not match
    /// their dimensions) are returned unchanged.
    public static func apply(_ pixels: PixelBuffer) -> PixelBuffer {
        guard pixels.channels >= 3, pixels.bitsPerSample == 8, pixels.isConsistent else { return pixels }
        let count = pixels.width * pixels.height
        var output = [UInt8](repeating: 0, count: count)
        let stride = pixels.channels
        pixels.bytes.withUnsafeBufferPointer { source in
            for i in 0..<count {
                let r = UInt32(source[i * stride])
                let g = UInt32(source[i * stride + 1])
                let b = UInt32(source[i * stride + 2])
                output[i] = UInt8((1_254_097 * r + 2_462_056 * g + 478_151 * b) >> 22)
            }
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: 1, bytes: output)
    }
}
