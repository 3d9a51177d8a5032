import IIPModel

/// Brings samples wider than 8 bits down to 8 bits.
public enum BitDepthReduction {
    /// Returns `pixels` with 8-bit samples.
    ///
    /// Unsigned 16- and 32-bit integers keep their top 8 bits (iipsrv master's fast path, which ignores the
    /// min/max tags, iipsrv-reference §6.1). Signed integers are offset to unsigned first. Floating-point data
    /// is normalised with `minimum`/`maximum` (per channel; 0...1 when absent) and scaled to 0...255; values that
    /// are not finite after scaling (a NaN sample, or an infinite bound from a file's SMin/SMaxSampleValue) become 0.
    /// Buffers whose bytes do not match their dimensions are returned unchanged.
    public static func to8Bit(
        _ pixels: PixelBuffer, minimum: [Double] = [], maximum: [Double] = []
    ) -> PixelBuffer {
        if pixels.bitsPerSample == 8 && pixels.sampleFormat != .signedInteger { return pixels }
        guard pixels.isConsistent, pixels.channels > 0 else { return pixels }
        let count = pixels.width * pixels.height * pixels.channels
        var output = [UInt8](repeating: 0, count: count)
        pixels.bytes.withUnsafeBytes { raw in
            switch (pixels.bitsPerSample, pixels.sampleFormat) {
            case (8, _):
                let source = raw.bindMemory(to: Int8.self)
                for index in 0..<count { output[index] = UInt8(Int(source[index]) + 128) }
            case (16, .signedInteger):
                let source = raw.bindMemory(to: Int16.self)
                for index in 0..<count { output[index] = UInt8((Int(source[index]) + 32768) >> 8) }
            case (16, _):
                let source = raw.bindMemory(to: UInt16.self)
                for index in 0..<count { output[index] = UInt8(source[index] >> 8) }
            case (32, .floatingPoint):
                let source = raw.bindMemory(to: Float.self)
                let channels = pixels.channels
                var scale = [Float](repeating: 255, count: channels)
                var offset = [Float](repeating: 0, count: channels)
                for channel in 0..<channels {
                    let low = channel < minimum.count ? Float(minimum[channel]) : 0
                    let high = channel < maximum.count ? Float(maximum[channel]) : 1
                    offset[channel] = low
                    scale[channel] = high > low ? 255 / (high - low) : 255
                }
                for index in 0..<count {
                    let channel = index % channels
                    let value = source[index]
                    let scaled = (value - offset[channel]) * scale[channel]
                    // NaN is black; +inf and huge values are white, as iipsrv clamps them.
                    output[index] = scaled.isNaN ? 0 : UInt8(min(max(scaled, 0), 255))
                }
            case (32, .signedInteger):
                let source = raw.bindMemory(to: Int32.self)
                for index in 0..<count { output[index] = UInt8((Int64(source[index]) + 2_147_483_648) >> 24) }
            default:
                let source = raw.bindMemory(to: UInt32.self)
                for index in 0..<count { output[index] = UInt8(source[index] >> 24) }
            }
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: pixels.channels, bytes: output)
    }
}
