/// Bi-level output: grey, then `< threshold` to 0 and the rest to 255 (iipsrv-reference §6.2 step 7).
public enum BinaryConversion {
    /// Converts 8-bit `pixels` to one band of 0 and 255 at `threshold`.
    public static func apply(_ pixels: PixelBuffer, threshold: Int) -> PixelBuffer {
        var grey = GreyConversion.apply(pixels)
        if grey.channels > 1 { grey = ChannelFlattening.flatten(grey) }
        let limit = UInt8(min(max(threshold, 0), 255))
        for i in grey.bytes.indices { grey.bytes[i] = grey.bytes[i] < limit ? 0 : 255 }
        return grey
    }
}
