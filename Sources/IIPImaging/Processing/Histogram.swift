public import IIPModel

/// A 256-bin histogram of an image's brightness, for bi-level output, equalisation and contrast stretch
/// (iipsrv-reference §6.4). One histogram covers all channels: each pixel adds its rounded channel average.
///
/// The threshold and the equalisation table are iipsrv master's, computed in single precision as master computes
/// them, so that a bi-level answer (which a threshold one level off changes in whole regions) is master's.
public struct Histogram: Sendable, Hashable {
    /// Pixel counts per brightness 0...255.
    public var bins: [Int]

    /// Counts the pixels of 8-bit `pixels`; other buffers (and ones without channels, or whose bytes do not match
    /// their dimensions) give an empty histogram.
    public init(_ pixels: PixelBuffer) {
        var bins = [Int](repeating: 0, count: 256)
        let channels = pixels.channels
        if pixels.bitsPerSample == 8, channels > 0, pixels.isConsistent {
            pixels.bytes.withUnsafeBufferPointer { source in
                for pixel in 0..<(pixels.width * pixels.height) {
                    var sum = 0
                    for c in 0..<channels { sum += Int(source[pixel * channels + c]) }
                    bins[(sum + channels / 2) / channels] += 1
                }
            }
        }
        self.bins = bins
    }

    /// The histogram master computes for an image from its smallest tile: 8-bit unsigned samples as they are,
    /// wider ones (and floats) first normalised with the image's per-channel `minimum` and `maximum` and brought to
    /// 8 bits by truncation, as the floating-point chain does (iipsrv-reference §6.4), not by the top bits that
    /// tiles without processing keep (§6.1).
    public static func of(_ samples: PixelBuffer, minimum: [Double], maximum: [Double]) -> Histogram {
        guard samples.bitsPerSample != 8 || samples.sampleFormat == .signedInteger else { return Histogram(samples) }
        return Histogram(
            FloatPipeline.apply(samples, processing: ImageProcessing(), minimum: minimum, maximum: maximum))
    }

    /// The total number of pixels counted.
    public var total: Int { bins.reduce(0, +) }

    /// The level that maximises the between-class variance (Otsu's method), counting the level itself in the darker
    /// class; as master, a pixel is black when it is below the threshold, so that level itself becomes white. Sums
    /// and variances are single-precision, with the first of equal maxima kept; 0 when no level splits the
    /// histogram into two occupied classes.
    public var otsuThreshold: Int {
        var count: UInt32 = 0
        var sum: Float = 0
        for (level, pixels) in bins.enumerated() {
            let pixels = UInt32(clamping: pixels)
            count &+= pixels
            sum += Float(level) * Float(pixels)
        }
        var background: Float = 0
        var backgroundSum: Float = 0
        var best: Float = 0
        var threshold = 0
        for level in 0..<bins.count {
            let pixels = Float(UInt32(clamping: bins[level]))
            background += pixels
            if background == 0 { continue }
            let foreground = Float(count) - background
            if foreground == 0 { break }
            backgroundSum += Float(level) * pixels
            let backgroundMean = backgroundSum / background
            let foregroundMean = (sum - backgroundSum) / foreground
            let variance =
                background * foreground * (backgroundMean - foregroundMean) * (backgroundMean - foregroundMean)
            if variance > best {
                threshold = level
                best = variance
            }
        }
        return threshold
    }

    /// The darkest and brightest occupied bins.
    public var occupiedRange: ClosedRange<Int> {
        let low = bins.firstIndex { $0 > 0 } ?? 0
        let high = bins.lastIndex { $0 > 0 } ?? 255
        return low...max(high, low)
    }

    /// Master's equalisation table for a picture of `pixelCount` pixels (the tile or export it is applied to):
    /// `round(255 / cdf(255) * (cdf(i) - cdf(first) / pixelCount))`, single-precision. The first occupied level's
    /// count is divided by the picture's size, not subtracted, so the table is close to `255 cdf(i) / cdf(255)`
    /// (iipsrv-reference §6.4). An empty histogram gives the identity.
    public func equalizationTable(pixelCount: Int) -> [UInt8] {
        guard let first = bins.firstIndex(where: { $0 > 0 }) else { return (0...255).map { UInt8($0) } }
        var cumulative = [Float](repeating: 0, count: bins.count)
        var running: Float = 0
        for level in bins.indices {
            running += Float(UInt32(clamping: bins[level]))
            cumulative[level] = running
        }
        let scale = Float(bins.count - 1) / running
        let offset = cumulative[first] / Float(UInt32(clamping: max(pixelCount, 1)))
        return cumulative.map { UInt8(min(max((scale * ($0 - offset)).rounded(), 0), 255)) }
    }
}
