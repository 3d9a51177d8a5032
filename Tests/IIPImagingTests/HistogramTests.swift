import IIPImaging
import IIPTestSupport
import Testing

/// The 256-bin brightness histogram, Otsu's threshold and the equalisation table.
@Suite struct HistogramTests {
    private func histogram(_ bins: [Int: Int]) -> Histogram {
        var histogram = Histogram(PixelBuffer(width: 0, height: 0, channels: 1))
        for (level, count) in bins { histogram.bins[level] = count }
        return histogram
    }

    // iipsrv-reference §6.4: one histogram over all channels, each pixel adding its rounded channel average
    @Test func countsRoundedChannelAverages() {
        let pixels = buffer8(width: 4, height: 1, channels: 3, [0, 0, 0, 1, 2, 2, 255, 255, 255, 10, 11, 11])
        let histogram = Histogram(pixels)
        #expect(histogram.bins.count == 256)
        #expect(histogram.total == 4)
        #expect(histogram.bins[0] == 1)
        #expect(histogram.bins[2] == 1)  // 5/3 rounds to 2
        #expect(histogram.bins[11] == 1)  // 32/3 rounds to 11
        #expect(histogram.bins[255] == 1)
        #expect(Histogram(buffer16(width: 1, height: 1, channels: 1, [5])).total == 0)
    }

    // iipsrv-reference §6.4: master's threshold is the last level of the darker class, and the bi-level step makes
    // pixels below it black, so that level itself turns white.
    @Test func otsuSplitsTwoModesAsMaster() {
        let histogram = histogram([50: 100, 51: 20, 200: 100])
        let threshold = histogram.otsuThreshold
        #expect(threshold == 51)
        let pixels = buffer8(width: 4, height: 1, channels: 1, [50, 51, 52, 200])
        #expect(BinaryConversion.apply(pixels, threshold: threshold).bytes == [0, 255, 255, 255])
    }

    @Test func otsuOnSpreadModes() {
        var bins = [Int: Int]()
        for level in 20...60 { bins[level] = 60 - abs(level - 40) }
        for level in 150...230 { bins[level] = 2 * (40 - abs(level - 190)) + 1 }
        let threshold = histogram(bins).otsuThreshold
        #expect(threshold >= 60 && threshold < 150, "threshold \(threshold)")
        #expect(threshold == Self.bruteForceOtsu(histogram(bins).bins))
    }

    // iipsrv-reference §6.4: the standard between-class variance maximisation
    @Test func otsuMatchesBruteForceOnRandomHistograms() {
        var random = TestPattern.Generator(seed: 0x0751)
        for _ in 0..<50 {
            var histogram = histogram([:])
            for level in 0..<256 where random.next() % 3 == 0 { histogram.bins[level] = Int(random.next() % 1000) }
            guard histogram.bins.filter({ $0 > 0 }).count > 1 else { continue }
            #expect(histogram.otsuThreshold == Self.bruteForceOtsu(histogram.bins))
        }
    }

    // Master keeps the first of equal variances: every level between two single-level modes splits them alike.
    @Test func otsuKeepsTheFirstOfEqualSplits() {
        #expect(histogram([50: 100, 200: 100]).otsuThreshold == 50)
        #expect(histogram([7: 3]).otsuThreshold == 0)
    }

    /// The last level of the darker class that maximises w0 w1 (m0 - m1)^2, from prefix sums.
    static func bruteForceOtsu(_ bins: [Int]) -> Int {
        var counts = [0]
        var sums = [0]
        for (level, count) in bins.enumerated() {
            counts.append(counts.last! + count)
            sums.append(sums.last! + level * count)
        }
        var best = -1.0
        var threshold = 0
        for t in 0..<255 {
            let w0 = Double(counts[t + 1])
            let w1 = Double(counts[256] - counts[t + 1])
            guard w0 > 0, w1 > 0 else { continue }
            let m0 = Double(sums[t + 1]) / w0
            let m1 = Double(sums[256] - sums[t + 1]) / w1
            let variance = w0 * w1 * (m0 - m1) * (m0 - m1)
            if variance > best * (1 + 1e-12) {
                best = variance
                threshold = t
            }
        }
        return threshold
    }

    @Test func emptyHistogram() {
        let empty = histogram([:])
        #expect(empty.total == 0)
        #expect(empty.otsuThreshold == 0)
        #expect(empty.occupiedRange == 0...255)
        #expect(empty.equalizationTable(pixelCount: 100) == (0...255).map { UInt8($0) })
    }

    // iipsrv-reference §6.4: stretch uses the first and last occupied bins
    @Test func occupiedRange() {
        #expect(histogram([17: 3, 99: 1, 201: 8]).occupiedRange == 17...201)
        #expect(histogram([42: 1]).occupiedRange == 42...42)
    }

    // iipsrv-reference §6.4: master's table, round(255 / cdf(255) * (cdf(i) - cdf(first) / pixels))
    @Test func equalisationTableIsMasters() {
        let table = histogram([10: 1, 20: 3]).equalizationTable(pixelCount: 1000)
        // 255 / 4 = 63.75; cdf(10) / 1000 = 0.001: 63.75 * 0.999 = 63.69 -> 64, 63.75 * 3.999 = 254.94 -> 255.
        #expect(table[0..<10].allSatisfy { $0 == 0 })
        #expect(table[10..<20].allSatisfy { $0 == 64 })
        #expect(table[20...].allSatisfy { $0 == 255 })
        // The first level's count is divided by the picture's size, not subtracted: for a picture as small as the
        // histogram the top level falls short of white (63.75 * 3.75 = 239.06), and the levels below the first
        // would be negative, which are black here (master converts the negative float to a byte).
        let small = histogram([10: 1, 20: 3]).equalizationTable(pixelCount: 4)
        #expect(small[0] == 0 && small[10] == 48 && small[255] == 239)
    }

    @Test func equalisationTableIsMonotonicAndSpansTheRange() {
        var random = TestPattern.Generator(seed: 99)
        var bins = [Int: Int]()
        for level in 30...220 where random.next() % 2 == 0 { bins[level] = Int(random.next() % 500) + 1 }
        let table = histogram(bins).equalizationTable(pixelCount: 256 * 256)
        #expect(table.count == 256)
        #expect(zip(table, table.dropFirst()).allSatisfy { $0 <= $1 })
        let first = bins.keys.min()!
        let last = bins.keys.max()!
        #expect(table[0..<first].allSatisfy { $0 == 0 })
        #expect(table[first] <= 1)
        #expect(table[last...].allSatisfy { $0 == 255 })
    }

    @Test func equalisationOfUniformHistogramIsNearIdentity() {
        var histogram = histogram([:])
        for level in 0..<256 { histogram.bins[level] = 10 }
        let table = histogram.equalizationTable(pixelCount: 2560)
        // cdf(i) = 10 (i + 1), cdf(first) / pixels = 10 / 2560: lut(i) = round(255 (i + 1) / 256 - 0.004).
        let expected = (0...255).map { level -> UInt8 in
            let value: Double = 255 * Double(level + 1) / 256 - 255.0 / 2560 / 256
            return UInt8(value.rounded())
        }
        #expect(table == expected)
    }

    // iipsrv-reference §6.4: samples wider than 8 bits are normalised with the image's range before they are counted
    @Test func wideSamplesAreNormalisedWithTheImageRange() {
        // 16-bit 1000 and 3000 in 1000...5000: 0 and 0.5 -> 0 and 127 (truncated); the top byte would give 3 and 11.
        let pixels = buffer16(width: 2, height: 1, channels: 1, [1000, 3000])
        let histogram = Histogram.of(pixels, minimum: [1000], maximum: [5000])
        #expect(histogram.bins[0] == 1 && histogram.bins[127] == 1)
        let floats = PixelBuffer(
            width: 2, height: 1, channels: 1, bitsPerSample: 32, sampleFormat: .floatingPoint,
            bytes: [Float(-2), Float(1.5)].withUnsafeBytes { Array($0) })
        let floatHistogram = Histogram.of(floats, minimum: [-2], maximum: [5])
        #expect(floatHistogram.bins[0] == 1 && floatHistogram.bins[127] == 1)
        let eight = buffer8(width: 2, height: 1, channels: 1, [3, 11])
        #expect(Histogram.of(eight, minimum: [1000], maximum: [5000]).bins[11] == 1)
    }
}
