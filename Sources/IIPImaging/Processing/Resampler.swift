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
    ///
    /// A zero width or height gives an empty buffer; an empty source gives a black one.
    ///
    /// - Parameter maxBytes: The largest output allowed; the scratch rows and index tables must fit in it too.
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for a negative size, samples other than 8 bits or bytes that
    ///   do not match the dimensions; ``ImagingError/tooLarge(_:)`` when the output or the scratch space exceeds
    ///   `maxBytes`.
    public static func resize(
        _ pixels: PixelBuffer, width: Int, height: Int, method: Method, maxBytes: Int
    ) throws(ImagingError) -> PixelBuffer {
        guard pixels.bitsPerSample == 8, pixels.isConsistent else {
            throw .invalidParameter(
                "resampling needs consistent 8-bit samples, got \(pixels.bitsPerSample)-bit \(pixels.width)x\(pixels.height)"
            )
        }
        guard width >= 0, height >= 0 else { throw .invalidParameter("resize to \(width)x\(height)") }
        if width == pixels.width && height == pixels.height { return pixels }
        let channels = pixels.channels
        // Scratch, generously: two rows of Int32 samples, three Int32 and three 8-byte tables per column and row.
        let (sides, sidesOverflow) = width.addingReportingOverflow(height)
        let (perIndex, perIndexOverflow) = channels.addingReportingOverflow(6)
        guard !sidesOverflow, !perIndexOverflow, let scratch = Int.checkedProduct(sides, perIndex, 8),
            scratch <= maxBytes
        else { throw .tooLarge("resampling to \(width)x\(height) needs more than \(maxBytes) bytes of scratch space") }
        // Column offsets are Int32 in the bilinear tables.
        guard pixels.rowBytes <= Int(Int32.max) else {
            throw .tooLarge("a source row of \(pixels.rowBytes) bytes is too long to resample")
        }
        guard width > 0, height > 0, pixels.width > 0, pixels.height > 0, channels > 0 else {
            return try PixelBuffer.zeroed(width: width, height: height, channels: channels, maxBytes: maxBytes)
        }
        // Both methods write every output sample, so the buffer is not cleared first.
        return try PixelBuffer.overwritten(width: width, height: height, channels: channels, maxBytes: maxBytes) {
            destination in
            switch method {
            case .nearest: nearest(pixels, width: width, height: height, into: destination)
            case .bilinear: bilinear(pixels, width: width, height: height, into: destination)
            }
        }
    }

    /// ``resize(_:width:height:method:maxBytes:)`` within ``ImageLimits/maxBufferBytes`` of the default limits,
    /// without an error: whatever it would refuse gives an empty 0 x 0 buffer instead (which every encoder
    /// refuses). Prefer the throwing form, which says why.
    public static func resize(_ pixels: PixelBuffer, width: Int, height: Int, method: Method) -> PixelBuffer {
        do {
            return try resize(
                pixels, width: width, height: height, method: method, maxBytes: ImageLimits.default.maxBufferBytes)
        } catch {
            return PixelBuffer(width: 0, height: 0, channels: max(pixels.channels, 0), bytes: [])
        }
    }

    /// Fills `destination` (`width` x `height`, 8-bit, same channels, both non-empty) from `pixels` by nearest
    /// neighbour.
    private static func nearest(
        _ pixels: PixelBuffer, width: Int, height: Int, into destination: UnsafeMutableBufferPointer<UInt8>
    ) {
        let channels = pixels.channels
        let xScale = Double(pixels.width) / Double(width)
        let yScale = Double(pixels.height) / Double(height)
        let columns = (0..<width).map { min(Int((Double($0) + 0.5) * xScale), pixels.width - 1) * channels }
        pixels.bytes.withUnsafeBufferPointer { source in
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

    /// Separable bilinear interpolation in fixed point: each needed source row is interpolated horizontally once
    /// (into 8.8 fixed point), and output rows blend the two rows around them. The inner loops run over contiguous
    /// arrays without division or floating point, which the compiler vectorises.
    private static func bilinear(
        _ pixels: PixelBuffer, width: Int, height: Int, into destination: UnsafeMutableBufferPointer<UInt8>
    ) {
        let channels = pixels.channels
        let (left, right, xWeight) = axis(source: pixels.width, target: width)
        let (top, bottom, yWeight) = axis(source: pixels.height, target: height)
        let rowLength = width * channels
        // Per output column: the byte offsets of its two source pixels and the weight of the second (0...256).
        var first = [Int32](repeating: 0, count: width)
        var second = [Int32](repeating: 0, count: width)
        var weight = [Int32](repeating: 0, count: width)
        for column in 0..<width {
            first[column] = Int32(left[column] * channels)
            second[column] = Int32(right[column] * channels)
            weight[column] = Int32((xWeight[column] * 256).rounded())
        }
        var upper = [Int32](repeating: 0, count: rowLength)
        var lower = [Int32](repeating: 0, count: rowLength)
        var upperRow = -1
        var lowerRow = -1
        let sourceRowBytes = pixels.rowBytes

        func interpolate(row: Int, into line: inout [Int32], _ source: UnsafeBufferPointer<UInt8>) {
            let base = row * sourceRowBytes
            first.withUnsafeBufferPointer { a in
                second.withUnsafeBufferPointer { b in
                    weight.withUnsafeBufferPointer { w in
                        line.withUnsafeMutableBufferPointer { out in
                            // One set of indices per pixel; RGB and grey unrolled, other layouts sample by sample.
                            switch channels {
                            case 3:
                                for column in 0..<width {
                                    let p0 = base &+ Int(a[column])
                                    let q0 = base &+ Int(b[column])
                                    let wc = w[column]
                                    let o = column &* 3
                                    let p = (Int32(source[p0]), Int32(source[p0 &+ 1]), Int32(source[p0 &+ 2]))
                                    let q = (Int32(source[q0]), Int32(source[q0 &+ 1]), Int32(source[q0 &+ 2]))
                                    out[o] = p.0 &* 256 &+ (q.0 &- p.0) &* wc
                                    out[o &+ 1] = p.1 &* 256 &+ (q.1 &- p.1) &* wc
                                    out[o &+ 2] = p.2 &* 256 &+ (q.2 &- p.2) &* wc
                                }
                            case 1:
                                for column in 0..<width {
                                    let p = Int32(source[base &+ Int(a[column])])
                                    let q = Int32(source[base &+ Int(b[column])])
                                    out[column] = p &* 256 &+ (q &- p) &* w[column]
                                }
                            default:
                                for column in 0..<width {
                                    let p0 = base + Int(a[column])
                                    let q0 = base + Int(b[column])
                                    let wc = w[column]
                                    for c in 0..<channels {
                                        let p = Int32(source[p0 + c])
                                        let q = Int32(source[q0 + c])
                                        out[column * channels + c] = p &* 256 &+ (q &- p) &* wc
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        pixels.bytes.withUnsafeBufferPointer { source in
            for row in 0..<height {
                let r0 = top[row]
                let r1 = bottom[row]
                if r0 != upperRow {
                    if r0 == lowerRow {
                        swap(&upper, &lower)
                        swap(&upperRow, &lowerRow)
                    } else {
                        interpolate(row: r0, into: &upper, source)
                        upperRow = r0
                    }
                }
                if r1 != lowerRow {
                    interpolate(row: r1, into: &lower, source)
                    lowerRow = r1
                }
                let wy = Int32((yWeight[row] * 256).rounded())
                let target = row * rowLength
                upper.withUnsafeBufferPointer { u in
                    lower.withUnsafeBufferPointer { l in
                        for i in 0..<rowLength {
                            // (u * (256 - wy) + l * wy) / 65536, rounded.
                            let value = (u[i] &* 256 &+ (l[i] &- u[i]) &* wy &+ 32768) >> 16
                            destination[target + i] = UInt8(truncatingIfNeeded: value)
                        }
                    }
                }
            }
        }
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
