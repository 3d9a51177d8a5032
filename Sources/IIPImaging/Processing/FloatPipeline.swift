public import IIPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// iipsrv's floating-point processing chain, from stored samples to 8 bits (iipsrv-reference §6.2 step 3, §6.3).
///
/// Order: normalise with min/max, hill-shade, colour twist, gamma or log, invert, colour map, convolution, then
/// contrast and conversion to 8 bits (truncated, as iipsrv does).
public enum FloatPipeline {
    /// Runs the chain on `pixels` (any sample type) and returns 8-bit pixels.
    ///
    /// Any parameter value is safe: non-finite results become 0, MINMAX ranges for channels the image does not have
    /// are ignored, and the working buffers (one float per sample, the colour twist's rows or the colour map's
    /// three bands, twice for the convolution) are checked against `maxBytes` before they are allocated.
    ///
    /// - Parameters:
    ///   - minimum: Per-channel minimum of the stored data (the image's, before MINMAX overrides).
    ///   - maximum: Per-channel maximum of the stored data.
    ///   - maxBytes: The most the working buffers may take.
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for pixels without channels or whose bytes do not match their
    ///   dimensions, or a convolution kernel whose coefficients do not fill an odd square of at most 15 x 15;
    ///   ``ImagingError/tooLarge(_:)`` when the working buffers would exceed `maxBytes`.
    public static func apply(
        _ pixels: PixelBuffer, processing: ImageProcessing, minimum: [Double], maximum: [Double], maxBytes: Int
    ) throws(ImagingError) -> PixelBuffer {
        guard pixels.isConsistent, pixels.channels >= 1 else {
            throw .invalidParameter(
                "\(pixels.width)x\(pixels.height) pixels of \(pixels.channels) channels and \(pixels.bytes.count) bytes"
            )
        }
        if let kernel = processing.convolution {
            let size = kernel.size
            guard size >= 1, size <= 15, size % 2 == 1, kernel.coefficients.count == size * size else {
                throw .invalidParameter("a \(size)x\(size) kernel with \(kernel.coefficients.count) coefficients")
            }
        }
        let count = pixels.width * pixels.height
        let widest = max(pixels.channels, processing.colorTwist?.count ?? 0, 3)
        guard let working = Int.checkedProduct(count, widest, MemoryLayout<Float>.size, 2), working <= maxBytes
        else {
            throw .tooLarge(
                "processing \(pixels.width)x\(pixels.height) pixels of \(widest) channels needs more than \(maxBytes) bytes"
            )
        }
        return run(pixels, processing: processing, minimum: minimum, maximum: maximum)
    }

    /// ``apply(_:processing:minimum:maximum:maxBytes:)`` within ``ImageLimits/maxBufferBytes`` of the default
    /// limits, without an error: whatever it would refuse gives an empty 0 x 0 buffer instead (which every encoder
    /// refuses). Prefer the throwing form, which says why.
    public static func apply(
        _ pixels: PixelBuffer, processing: ImageProcessing, minimum: [Double], maximum: [Double]
    ) -> PixelBuffer {
        do {
            return try apply(
                pixels, processing: processing, minimum: minimum, maximum: maximum,
                maxBytes: ImageLimits.default.maxBufferBytes)
        } catch {
            return PixelBuffer(width: 0, height: 0, channels: max(pixels.channels, 0), bytes: [])
        }
    }

    /// The chain itself, on checked pixels, kernel and buffer sizes.
    private static func run(
        _ pixels: PixelBuffer, processing: ImageProcessing, minimum: [Double], maximum: [Double]
    ) -> PixelBuffer {
        var channels = pixels.channels
        let count = pixels.width * pixels.height
        var values = normalised(pixels, processing: processing, minimum: minimum, maximum: maximum)

        if let light = processing.shade, channels >= 3 {
            values = shade(values, count: count, channels: channels, light: light)
            channels = 1
        }
        if let matrix = processing.colorTwist, !matrix.isEmpty {
            values = twist(values, count: count, channels: channels, matrix: matrix)
            channels = matrix.count
        }
        switch processing.gamma {
        case .exponent(let g) where g != 1:
            let exponent = Float(g)
            for i in values.indices { values[i] = powf(max(values[i], 0), exponent) }
        case .logarithm:
            let scale = 1 / logf(256)
            for i in values.indices { values[i] = logf(1 + 255 * max(values[i], 0)) * scale }
        default:
            break
        }
        if processing.invert {
            for i in values.indices { values[i] = 1 - values[i] }
        }
        if let map = processing.colorMap {
            values = colorMap(values, count: count, channels: channels, map: map)
            channels = 3
        }
        if let kernel = processing.convolution {
            values = convolve(values, width: pixels.width, height: pixels.height, channels: channels, kernel: kernel)
        }
        let factor: Float =
            if case .factor(let c) = processing.contrast { Float(c) } else { 1 }
        var output = [UInt8](repeating: 0, count: values.count)
        let scale = 255 * factor
        for i in values.indices {
            let v = values[i] * scale
            output[i] = v.isNaN ? 0 : UInt8(min(max(v, 0), 255))
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: channels, bytes: output)
    }

    /// Samples as 0...1 floats: `(v - min) / (max - min)` per channel, MINMAX overriding the image's range.
    static func normalised(
        _ pixels: PixelBuffer, processing: ImageProcessing, minimum: [Double], maximum: [Double]
    ) -> [Float] {
        let channels = pixels.channels
        var low = (0..<channels).map { $0 < minimum.count ? minimum[$0] : 0 }
        var high = (0..<channels).map {
            $0 < maximum.count
                ? maximum[$0] : ImageDescription.defaultMaximum(bits: pixels.bitsPerSample, format: pixels.sampleFormat)
        }
        if pixels.bitsPerSample == 8 && pixels.sampleFormat == .unsignedInteger {
            low = Array(repeating: 0, count: channels)
            high = Array(repeating: 255, count: channels)
        }
        for range in processing.sampleRanges {
            if let channel = range.channel {
                guard channel >= 0, channel < channels else { continue }
                low[channel] = range.minimum
                high[channel] = range.maximum
            } else {
                low = Array(repeating: range.minimum, count: channels)
                high = Array(repeating: range.maximum, count: channels)
            }
        }
        // As master: single-precision bounds, the reciprocal of their difference taken in double precision, and
        // 1e30 for an empty range.
        let offsets = low.map(Float.init)
        let scales = zip(low, high).map { low, high -> Float in
            let difference = Float(high) - Float(low)
            return abs(difference) > 1e-30 ? Float(1 / Double(difference)) : 1e30
        }
        let count = pixels.width * pixels.height * channels
        var values = [Float](repeating: 0, count: count)
        pixels.bytes.withUnsafeBytes { raw in
            func fill<T>(_ type: T.Type, _ convert: (T) -> Float) {
                let source = raw.bindMemory(to: T.self)
                for i in 0..<count {
                    let c = i % channels
                    let v = convert(source[i])
                    values[i] = v.isFinite ? (v - offsets[c]) * scales[c] : 0
                }
            }
            switch (pixels.bitsPerSample, pixels.sampleFormat) {
            case (8, .signedInteger): fill(Int8.self) { Float($0) }
            case (8, _): fill(UInt8.self) { Float($0) }
            case (16, .signedInteger): fill(Int16.self) { Float($0) }
            case (16, _): fill(UInt16.self) { Float($0) }
            case (32, .floatingPoint): fill(Float.self) { $0 }
            case (32, .signedInteger): fill(Int32.self) { Float($0) }
            default: fill(UInt32.self) { Float($0) }
            }
        }
        return values
    }

    static func shade(_ values: [Float], count: Int, channels: Int, light: LightDirection) -> [Float] {
        let angle = Float(light.horizontal) * .pi / 180
        var sy = cosf(angle)
        var sx = (1 - sy * sy).squareRoot()
        if light.horizontal > 180 { sx = -sx }
        var sz = -sinf(Float(light.vertical) * .pi / 180)
        let length = (sx * sx + sy * sy + sz * sz).squareRoot()
        if length > 0 {
            sx /= length
            sy /= length
            sz /= length
        }
        var output = [Float](repeating: 0, count: count)
        for pixel in 0..<count {
            let r = values[pixel * channels]
            let g = values[pixel * channels + 1]
            let b = values[pixel * channels + 2]
            if r == 0 && g == 0 && b == 0 { continue }
            let nx = -(r - 0.5) * 2
            let ny = -(g - 0.5) * 2
            let nz = -(b - 0.5) * 2
            output[pixel] = min(max(0.5 * (sx * nx + sy * ny + sz * nz), 0), 1)
        }
        return output
    }

    static func twist(_ values: [Float], count: Int, channels: Int, matrix: [[Double]]) -> [Float] {
        let rows = matrix.map { row in (0..<channels).map { $0 < row.count ? Float(row[$0]) : 0 } }
        let outChannels = rows.count
        var output = [Float](repeating: 0, count: count * outChannels)
        for pixel in 0..<count {
            for (k, row) in rows.enumerated() {
                var sum: Float = 0
                for j in 0..<channels { sum += row[j] * values[pixel * channels + j] }
                output[pixel * outChannels + k] = sum
            }
        }
        return output
    }

    static func colorMap(_ values: [Float], count: Int, channels: Int, map: ColorMap) -> [Float] {
        var output = [Float](repeating: 0, count: count * 3)
        for pixel in 0..<count {
            let v = values[pixel * channels]
            let (r, g, b) = mapped(v, map)
            output[pixel * 3] = r
            output[pixel * 3 + 1] = g
            output[pixel * 3 + 2] = b
        }
        return output
    }

    /// The colour of normalised value `v` in `map` (iipsrv-reference §6.3).
    static func mapped(_ v: Float, _ map: ColorMap) -> (Float, Float, Float) {
        switch map {
        case .hot:
            if v <= 0 { return (0, 0, 0) }
            if v > 1 { return (1, 1, 1) }
            if v < 1.0 / 3 { return (3 * v, 0, 0) }
            if v < 2.0 / 3 { return (1, 3 * v - 1, 0) }
            return (1, 1, 3 * v - 2)
        case .cold:
            if v <= 0 { return (0, 0, 0) }
            if v > 1 { return (1, 1, 1) }
            if v < 1.0 / 3 { return (0, 0, 3 * v) }
            if v < 2.0 / 3 { return (0, 3 * v - 1, 1) }
            return (3 * v - 2, 1, 1)
        case .jet:
            if v < 0 { return (0, 0, 0) }
            if v < 1.0 / 8 { return (0, 0, 4 * v + 0.5) }
            if v < 3.0 / 8 { return (0, 4 * v - 0.5, 1) }
            if v < 5.0 / 8 { return (4 * v - 1.5, 1, 2.5 - 4 * v) }
            if v < 7.0 / 8 { return (1, 3.5 - 4 * v, 0) }
            if v < 1 { return (4.5 - 4 * v, 0, 0) }
            return (0.5, 0, 0)
        case .red: return (v, 0, 0)
        case .green: return (0, v, 0)
        case .blue: return (0, 0, v)
        }
    }

    /// Edge-extended convolution, as master computes it: each single-precision product summed in double precision,
    /// divided by the kernel's sum when that is positive (iipsrv-reference §6.3).
    static func convolve(_ values: [Float], width: Int, height: Int, channels: Int, kernel: ConvolutionKernel)
        -> [Float]
    {
        let size = kernel.size
        let half = size / 2
        let weights = kernel.coefficients.map { Float($0) }
        let sum = weights.reduce(0.0) { $0 + Double($1) }
        var output = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    var total = 0.0
                    for ky in 0..<size {
                        let sy = min(max(y + ky - half, 0), height - 1)
                        for kx in 0..<size {
                            let sx = min(max(x + kx - half, 0), width - 1)
                            total += Double(weights[ky * size + kx] * values[(sy * width + sx) * channels + c])
                        }
                    }
                    output[(y * width + x) * channels + c] = Float(sum > 0 ? total / sum : total)
                }
            }
        }
        return output
    }
}
