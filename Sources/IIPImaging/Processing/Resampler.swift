/// Resizes 8-bit pixels.
///
/// Both methods sample at pixel centres (`source = (i + 0.5) * scale - 0.5`), so the image is not shifted by
/// half a pixel as iipsrv's corner-aligned mapping does; edge pixels are replicated.
public enum Resampler {
    /// The resampling method, chosen by iipsrv's INTERPOLATION variable.
    public enum Method: Sendable, Hashable {
        /// Nearest neighbour (INTERPOLATION=0).
        case nearest
        /// Bilinear (INTERPOLATION=1, the default).
        case bilinear
    }

    /// Resizes `pixels` (8-bit samples) to `width` x `height`.
    public static func resize(_ pixels: PixelBuffer, width: Int, height: Int, method: Method) -> PixelBuffer {
        precondition(pixels.bitsPerSample == 8, "resampling works on 8-bit samples")
        if width == pixels.width && height == pixels.height { return pixels }
        switch method {
        case .nearest: return nearest(pixels, width: width, height: height)
        case .bilinear: return bilinear(pixels, width: width, height: height)
        }
    }

    private static func nearest(_ pixels: PixelBuffer, width: Int, height: Int) -> PixelBuffer {
        let channels = pixels.channels
        var output = PixelBuffer(width: width, height: height, channels: channels)
        let xScale = Double(pixels.width) / Double(width)
        let yScale = Double(pixels.height) / Double(height)
        let columns = (0..<width).map { min(Int((Double($0) + 0.5) * xScale), pixels.width - 1) * channels }
        pixels.bytes.withUnsafeBufferPointer { source in
            output.bytes.withUnsafeMutableBufferPointer { destination in
                for row in 0..<height {
                    let sourceRow = min(Int((Double(row) + 0.5) * yScale), pixels.height - 1) * pixels.rowBytes
                    var target = row * width * channels
                    for column in columns {
                        for channel in 0..<channels {
                            destination[target + channel] = source[sourceRow + column + channel]
                        }
                        target += channels
                    }
                }
            }
        }
        return output
    }

    private static func bilinear(_ pixels: PixelBuffer, width: Int, height: Int) -> PixelBuffer {
        let channels = pixels.channels
        var output = PixelBuffer(width: width, height: height, channels: channels)
        let (left, right, xWeight) = axis(source: pixels.width, target: width)
        let (top, bottom, yWeight) = axis(source: pixels.height, target: height)
        let rowBytes = pixels.rowBytes
        pixels.bytes.withUnsafeBufferPointer { source in
            output.bytes.withUnsafeMutableBufferPointer { destination in
                for row in 0..<height {
                    let upper = top[row] * rowBytes
                    let lower = bottom[row] * rowBytes
                    let wy = yWeight[row]
                    var target = row * width * channels
                    for column in 0..<width {
                        let l = left[column] * channels
                        let r = right[column] * channels
                        let wx = xWeight[column]
                        for channel in 0..<channels {
                            let a = Float(source[upper + l + channel])
                            let b = Float(source[upper + r + channel])
                            let c = Float(source[lower + l + channel])
                            let d = Float(source[lower + r + channel])
                            let topValue = a + (b - a) * wx
                            let bottomValue = c + (d - c) * wx
                            destination[target + channel] = UInt8(topValue + (bottomValue - topValue) * wy + 0.5)
                        }
                        target += channels
                    }
                }
            }
        }
        return output
    }

    /// For each target index: the two source indices around its centre and the weight of the second.
    private static func axis(source: Int, target: Int) -> ([Int], [Int], [Float]) {
        let scale = Double(source) / Double(target)
        var low = [Int](repeating: 0, count: target)
        var high = [Int](repeating: 0, count: target)
        var weight = [Float](repeating: 0, count: target)
        for index in 0..<target {
            let position = max((Double(index) + 0.5) * scale - 0.5, 0)
            let base = min(Int(position), source - 1)
            low[index] = base
            high[index] = min(base + 1, source - 1)
            weight[index] = Float(position - Double(base))
        }
        return (low, high, weight)
    }
}
