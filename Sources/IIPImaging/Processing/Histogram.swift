/// A 256-bin histogram of an image's brightness, for bi-level output, equalisation and contrast stretch
/// (iipsrv-reference §6.4). One histogram covers all channels: each pixel adds its rounded channel average.
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

    /// The total number of pixels counted.
    public var total: Int { bins.reduce(0, +) }

    /// The threshold that maximises the between-class variance (Otsu's method).
    public var otsuThreshold: Int {
        let total = Double(self.total)
        guard total > 0 else { return 128 }
        let weightedSum = bins.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) }
        var backgroundWeight = 0.0
        var backgroundSum = 0.0
        var best = 0.0
        var threshold = 0
        for level in 0..<256 {
            backgroundWeight += Double(bins[level])
            guard backgroundWeight > 0 else { continue }
            let foregroundWeight = total - backgroundWeight
            guard foregroundWeight > 0 else { break }
            backgroundSum += Double(level * bins[level])
            let backgroundMean = backgroundSum / backgroundWeight
            let foregroundMean = (weightedSum - backgroundSum) / foregroundWeight
            let variance =
                backgroundWeight * foregroundWeight * (backgroundMean - foregroundMean)
                * (backgroundMean - foregroundMean)
            if variance > best {
                best = variance
                threshold = level
            }
        }
        return threshold + 1
    }

    /// The darkest and brightest occupied bins.
    public var occupiedRange: ClosedRange<Int> {
        let low = bins.firstIndex { $0 > 0 } ?? 0
        let high = bins.lastIndex { $0 > 0 } ?? 255
        return low...max(high, low)
    }

    /// A lookup table that spreads the cumulative distribution evenly over 0...255.
    public var equalizationTable: [UInt8] {
        var cumulative = [Int](repeating: 0, count: 256)
        var running = 0
        for level in 0..<256 {
            running += bins[level]
            cumulative[level] = running
        }
        let first = cumulative.first { $0 > 0 } ?? 0
        let span = Double(max(running - first, 1))
        return cumulative.map { UInt8(min(max((Double($0 - first) * 255 / span).rounded(), 0), 255)) }
    }
}
