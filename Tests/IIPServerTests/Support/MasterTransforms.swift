import Foundation
import IIPImaging
import IIPModel

/// iipsrv master's processing (iipsrv-reference §6.1-6.4), written out for the tests from the reference and
/// independently of the server's code: the 8-bit pixels master answers for given stored samples. Single precision
/// where master computes in single precision, so that thresholds and truncations land where master's do.
///
/// The one place it follows this server rather than master is the fast reduction of 32-bit integers, which keeps the
/// top byte (`v >> 24`) where master keeps bits 16-23 (README, compatibility notes).
struct MasterTransforms: Sendable {
    enum Gamma: Sendable {
        case exponent(Float)
        case log
    }

    enum Colour: Sendable {
        case grey
        case binary
    }

    /// MINMAX: a channel (nil for all) and its range.
    var minMax: [(channel: Int?, low: Double, high: Double)] = []
    /// SHD: horizontal and vertical angles.
    var shade: (horizontal: Int, vertical: Int)?
    /// CTW rows.
    var twist: [[Float]]?
    var gamma: Gamma?
    var invert = false
    /// CMP: hot, cold, jet, red, green or blue.
    var colourMap: String?
    /// CNV coefficients, row-major.
    var kernel: [Float]?
    /// CNT as a factor.
    var contrast: Float = 1
    /// CNT=st.
    var stretch = false
    /// CNT=eq.
    var equalise = false
    /// COL.
    var colour: Colour?

    /// The named kernels of master's CNV (iipsrv-reference §2.1).
    static let kernels: [String: [Float]] = [
        "sobel": [-1, 0, 1, -2, 0, 2, -1, 0, 1],
        "prewitt": [1, 0, -1, 1, 0, -1, 1, 0, -1],
        "scharr": [-3, 0, 3, -10, 0, 10, -3, 0, 3],
        "laplace": [-1, -1, -1, -1, 8, -1, -1, -1, -1],
        "gaussian": [1, 2, 1, 2, 4, 2, 1, 2, 1],
        "sharpen": [0, -1, 0, -1, 5, -1, 0, -1, 0],
        "emboss": [-2, -1, 0, -1, 1, 1, 0, 1, 2],
    ]

    /// §6.1: whether the floating-point chain runs (always for float samples).
    func usesFloatChain(_ samples: PixelBuffer) -> Bool {
        samples.sampleFormat == .floatingPoint || contrast != 1 || stretch || gamma != nil || invert
            || colourMap != nil || !minMax.isEmpty || shade != nil || twist != nil || kernel != nil
    }

    /// What master answers for `samples` (a tile or an export region at its own scale, so nothing is resampled),
    /// in an output with alpha when `keepsAlpha` (PNG) or without (JPEG).
    ///
    /// - Parameters:
    ///   - range: The image's per-channel minimum and maximum (SMin/SMaxSampleValue or the depth's).
    ///   - thumbnail: Tile 0 of the smallest level, as stored: the histogram's source (§6.4).
    ///   - sRGB: Whether the image is stored as RGB: COL=grey converts only those (§6.2 step 6).
    ///   - cieLab: Whether the samples are 8-bit CIELab, converted to sRGB first (§6.2 step 2).
    func apply(
        _ stored: PixelBuffer, range: [(Double, Double)], thumbnail: PixelBuffer, sRGB: Bool, cieLab: Bool = false,
        keepsAlpha: Bool = true
    ) -> PixelBuffer {
        // §6.4: the histogram is taken from the stored samples, before a CIELab image's conversion (§6.2 step 1).
        let histogram = Self.histogram(thumbnail, range: range)
        let samples = cieLab ? Self.sRGB(fromLab: stored) : stored
        let range = cieLab ? Array(repeating: (0.0, 255.0), count: 3) : range
        var pixels: PixelBuffer
        if usesFloatChain(samples) {
            var bounds = range
            var factor = contrast
            if stretch {
                // §6.4: the first and last occupied levels, scaled to integer samples' depth.
                let first = histogram.firstIndex { $0 > 0 } ?? 0
                let last = histogram.lastIndex { $0 > 0 } ?? 255
                let shift =
                    samples.bitsPerSample > 8 && samples.sampleFormat != .floatingPoint
                    ? Double(1 << (samples.bitsPerSample - 8)) : 1
                bounds = Array(repeating: (Double(first) * shift, Double(last) * shift), count: samples.channels)
                factor = 1
            }
            for override in minMax {
                if let channel = override.channel {
                    if channel < bounds.count { bounds[channel] = (override.low, override.high) }
                } else {
                    bounds = Array(repeating: (override.low, override.high), count: bounds.count)
                }
            }
            pixels = floatChain(samples, bounds: bounds, contrast: factor)
        } else {
            pixels = Self.fastReduction(samples)
        }
        // §6.2 step 5: more than three bands are cut to three (four kept for alpha outputs), two to one for JPEG.
        let bands = pixels.channels
        let kept = bands == 2 ? (keepsAlpha ? 2 : 1) : bands == 4 && keepsAlpha ? 4 : min(bands, 3)
        if kept < bands { pixels = Self.firstBands(pixels, kept) }
        switch colour {
        case .grey?: if sRGB { pixels = Self.grey(pixels) }
        case .binary?:
            let threshold = Self.otsu(histogram)
            pixels = Self.grey(pixels)
            pixels.bytes = pixels.bytes.map { Int($0) < threshold ? 0 : 255 }
        case nil: break
        }
        if equalise {
            let table = Self.equalisation(histogram, pixelCount: pixels.width * pixels.height)
            pixels.bytes = pixels.bytes.map { table[Int($0)] }
        }
        return pixels
    }

    // MARK: - §6.1 and §6.3: the floating-point chain

    func floatChain(_ samples: PixelBuffer, bounds: [(Double, Double)], contrast: Float) -> PixelBuffer {
        let count = samples.width * samples.height
        var channels = samples.channels
        var values = Self.normalised(samples, bounds: bounds)
        if let (horizontal, vertical) = shade, channels >= 3 {
            values = Self.shaded(values, count: count, channels: channels, horizontal, vertical)
            channels = 1
        }
        if let twist {
            var output = [Float](repeating: 0, count: count * twist.count)
            for pixel in 0..<count {
                for (row, coefficients) in twist.enumerated() {
                    var sum: Float = 0
                    for (band, coefficient) in coefficients.prefix(channels).enumerated() {
                        sum += coefficient * values[pixel * channels + band]
                    }
                    output[pixel * twist.count + row] = sum
                }
            }
            values = output
            channels = twist.count
        }
        switch gamma {
        case .exponent(let g)?: values = values.map { powf(max($0, 0), g) }
        case .log?:
            let scale = Float(1 / Double(logf(256)))
            values = values.map { scale * logf(1 + $0 * 255) }
        case nil: break
        }
        if invert { values = values.map { 1 - $0 } }
        if let colourMap {
            var output = [Float](repeating: 0, count: count * 3)
            for pixel in 0..<count {
                let rgb = Self.mapped(values[pixel * channels], colourMap)
                for c in 0..<3 { output[pixel * 3 + c] = rgb[c] }
            }
            values = output
            channels = 3
        }
        if let kernel {
            values = Self.convolved(values, width: samples.width, height: samples.height, channels: channels, kernel)
        }
        // Truncated; NaN (a logarithm of a value below -1/255) fails both comparisons and is white.
        let scale = 255 * contrast
        let bytes = values.map { value -> UInt8 in
            let v = value * scale
            return v < 255 ? (v < 0 ? 0 : UInt8(v)) : 255
        }
        return PixelBuffer(width: samples.width, height: samples.height, channels: channels, bytes: bytes)
    }

    /// `(v - min) / (max - min)` per channel, single-precision; non-finite samples become 0.
    static func normalised(_ samples: PixelBuffer, bounds: [(Double, Double)]) -> [Float] {
        let values = sampleValues(samples)
        let channels = samples.channels
        let low = (0..<channels).map { Float(bounds[$0].0) }
        let scale = (0..<channels).map { c -> Float in
            let difference = Float(bounds[c].1) - low[c]
            return abs(difference) > 1e-30 ? Float(1 / Double(difference)) : 1e30
        }
        return values.enumerated().map { index, value in
            value.isFinite ? (value - low[index % channels]) * scale[index % channels] : 0
        }
    }

    /// Every sample as a Float.
    static func sampleValues(_ samples: PixelBuffer) -> [Float] {
        samples.bytes.withUnsafeBytes { raw -> [Float] in
            switch (samples.bitsPerSample, samples.sampleFormat) {
            case (8, _): return raw.bindMemory(to: UInt8.self).map { Float($0) }
            case (16, _): return raw.bindMemory(to: UInt16.self).map { Float($0) }
            case (_, .floatingPoint): return Array(raw.bindMemory(to: Float.self))
            default: return raw.bindMemory(to: UInt32.self).map { Float($0) }
            }
        }
    }

    static func shaded(_ values: [Float], count: Int, channels: Int, _ horizontal: Int, _ vertical: Int) -> [Float] {
        let a = Float(Double(horizontal) * Double.pi / 180)
        var y = cosf(a)
        var x = (1 - y * y).squareRoot()
        if horizontal > 180 { x = -x }
        var z = -sinf(Float(Double(vertical) * Double.pi / 180))
        let length = (x * x + y * y + z * z).squareRoot()
        (x, y, z) = (x / length, y / length, z / length)
        return (0..<count).map { pixel in
            let r = values[pixel * channels]
            let g = values[pixel * channels + 1]
            let b = values[pixel * channels + 2]
            if r == 0 && g == 0 && b == 0 { return 0 }
            let dot = x * -(r - 0.5) * 2 + y * -(g - 0.5) * 2 + z * -(b - 0.5) * 2
            return min(max(0.5 * dot, 0), 1)
        }
    }

    static func mapped(_ v: Float, _ map: String) -> [Float] {
        switch map {
        case "hot":
            if v > 1 { return [1, 1, 1] }
            if v <= 0 { return [0, 0, 0] }
            if v < 1.0 / 3 { return [3 * v, 0, 0] }
            if v < 2.0 / 3 { return [1, 3 * v - 1, 0] }
            return [1, 1, 3 * v - 2]
        case "cold":
            if v > 1 { return [1, 1, 1] }
            if v <= 0 { return [0, 0, 0] }
            if v < 1.0 / 3 { return [0, 0, 3 * v] }
            if v < 2.0 / 3 { return [0, 3 * v - 1, 1] }
            return [3 * v - 2, 1, 1]
        case "jet":
            if v < 0 { return [0, 0, 0] }
            if v < 1.0 / 8 { return [0, 0, 4 * v + 0.5] }
            if v < 3.0 / 8 { return [0, 4 * v - 0.5, 1] }
            if v < 5.0 / 8 { return [4 * v - 1.5, 1, 2.5 - 4 * v] }
            if v < 7.0 / 8 { return [1, 3.5 - 4 * v, 0] }
            if v < 1 { return [4.5 - 4 * v, 0, 0] }
            return [0.5, 0, 0]
        case "red": return [v, 0, 0]
        case "green": return [0, v, 0]
        default: return [0, 0, v]
        }
    }

    /// Edges extended; products summed in double precision and divided by the kernel's sum when it is positive.
    static func convolved(_ values: [Float], width: Int, height: Int, channels: Int, _ kernel: [Float]) -> [Float] {
        let side = Int(Double(kernel.count).squareRoot())
        let half = side / 2
        let total = kernel.reduce(0.0) { $0 + Double($1) }
        var output = [Float](repeating: 0, count: values.count)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    var sum = 0.0
                    for ky in 0..<side {
                        let sy = min(max(y + ky - half, 0), height - 1)
                        for kx in 0..<side {
                            let sx = min(max(x + kx - half, 0), width - 1)
                            sum += Double(values[(sy * width + sx) * channels + c] * kernel[ky * side + kx])
                        }
                    }
                    output[(y * width + x) * channels + c] = Float(total > 0 ? sum / total : sum)
                }
            }
        }
        return output
    }

    // MARK: - §6.3: CIELab

    /// 8-bit CIELab (L as `byte / 2.55`, a and b signed bytes) to 8-bit sRGB: D65 white, the IEC 61966-2-1 matrix,
    /// negatives clipped, the sRGB transfer curve, `v * 255` truncated. L, a, b, X, Y, Z and the matrix are
    /// single-precision, the intermediate terms and the curve double-precision, as in master.
    static func sRGB(fromLab samples: PixelBuffer) -> PixelBuffer {
        let matrix: [[Float]] = [
            [3.2406255, -1.537208, -0.4986286], [-0.9689307, 1.8757561, 0.0415175], [0.0557101, -0.2040211, 1.0569959],
        ]
        var bytes: [UInt8] = []
        for pixel in 0..<(samples.width * samples.height) {
            let base = pixel * samples.channels
            let l = Float(Double(samples.bytes[base]) / 2.55)
            let a = Float(Int8(bitPattern: samples.bytes[base + 1]))
            let b = Float(Int8(bitPattern: samples.bytes[base + 2]))
            var y: Float
            let fy: Double
            if l < 8 {
                y = Float(Double(l) * 100 / 903.3)
                fy = 7.787 * (Double(y) / 100) + 16.0 / 116.0
            } else {
                fy = (Double(l) + 16) / 116
                y = Float(100 * fy * fy * fy)
            }
            func component(_ f: Double, _ white: Double) -> Float {
                Float(f < 0.2069 ? white * (f - 0.13793) / 7.787 : white * f * f * f)
            }
            var x = component(Double(a) / 500 + fy, 95.0470)
            var z = component(fy - Double(b) / 200, 108.8827)
            x = Float(Double(x) / 100)
            y = Float(Double(y) / 100)
            z = Float(Double(z) / 100)
            for row in matrix {
                var value = Double(x * row[0] + y * row[1] + z * row[2])
                value = max(value, 0)
                value = value <= 0.0031308 ? value * 12.92 : 1.055 * pow(value, 1 / 2.4) - 0.055
                bytes.append(UInt8(min(value * 255, 255)))
            }
        }
        return PixelBuffer(width: samples.width, height: samples.height, channels: 3, bytes: bytes)
    }

    // MARK: - §6.1: the fast reduction, §6.2 steps 5-8

    /// 16-bit samples keep their top byte, 32-bit ones too (this server; master keeps bits 16-23).
    static func fastReduction(_ samples: PixelBuffer) -> PixelBuffer {
        let bytes: [UInt8] =
            switch samples.bitsPerSample {
            case 8: samples.bytes
            case 16: samples.bytes.withUnsafeBytes { $0.bindMemory(to: UInt16.self).map { UInt8($0 >> 8) } }
            default: samples.bytes.withUnsafeBytes { $0.bindMemory(to: UInt32.self).map { UInt8($0 >> 24) } }
            }
        return PixelBuffer(width: samples.width, height: samples.height, channels: samples.channels, bytes: bytes)
    }

    static func firstBands(_ pixels: PixelBuffer, _ bands: Int) -> PixelBuffer {
        var bytes: [UInt8] = []
        for pixel in 0..<(pixels.width * pixels.height) {
            bytes += pixels.bytes[(pixel * pixels.channels)..<(pixel * pixels.channels + bands)]
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: bands, bytes: bytes)
    }

    /// Rec. 709 weights in fixed point on the gamma-encoded values of three-band pixels; others unchanged.
    static func grey(_ pixels: PixelBuffer) -> PixelBuffer {
        guard pixels.channels == 3 else { return pixels }
        let bytes = (0..<(pixels.width * pixels.height)).map { pixel -> UInt8 in
            let r = UInt32(pixels.bytes[pixel * 3])
            let g = UInt32(pixels.bytes[pixel * 3 + 1])
            let b = UInt32(pixels.bytes[pixel * 3 + 2])
            return UInt8((1_254_097 * r + 2_462_056 * g + 478_151 * b) >> 22)
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: 1, bytes: bytes)
    }

    // MARK: - §6.4: histogram operations

    /// 256 bins of the rounded channel average of the thumbnail, wide samples first normalised with the image's range
    /// and truncated to 8 bits.
    static func histogram(_ thumbnail: PixelBuffer, range: [(Double, Double)]) -> [Int] {
        let eight: [Float] =
            thumbnail.bitsPerSample == 8
            ? thumbnail.bytes.map { Float($0) }
            : normalised(thumbnail, bounds: range).map { Float(UInt8(min(max($0 * 255, 0), 255))) }
        var bins = [Int](repeating: 0, count: 256)
        let channels = thumbnail.channels
        for pixel in 0..<(thumbnail.width * thumbnail.height) {
            var sum: Float = 0
            for c in 0..<channels { sum += eight[pixel * channels + c] }
            bins[Int((sum / Float(channels)).rounded())] += 1
        }
        return bins
    }

    /// Otsu's threshold, single-precision, the first maximum kept.
    static func otsu(_ bins: [Int]) -> Int {
        let total = Float(bins.reduce(0, +))
        let sum = bins.enumerated().reduce(Float(0)) { $0 + Float($1.offset) * Float($1.element) }
        var background: Float = 0
        var backgroundSum: Float = 0
        var best: Float = 0
        var threshold = 0
        for (level, count) in bins.enumerated() {
            background += Float(count)
            if background == 0 { continue }
            let foreground = total - background
            if foreground == 0 { break }
            backgroundSum += Float(level) * Float(count)
            let difference = backgroundSum / background - (sum - backgroundSum) / foreground
            let variance = background * foreground * difference * difference
            if variance > best {
                best = variance
                threshold = level
            }
        }
        return threshold
    }

    static func equalisation(_ bins: [Int], pixelCount: Int) -> [UInt8] {
        var cdf: [Float] = []
        var running: Float = 0
        for count in bins {
            running += Float(count)
            cdf.append(running)
        }
        let first = bins.firstIndex { $0 > 0 } ?? 0
        let scale = 255 / running
        let offset = cdf[first] / Float(pixelCount)
        return cdf.map { UInt8(min(max((scale * ($0 - offset)).rounded(), 0), 255)) }
    }
}
