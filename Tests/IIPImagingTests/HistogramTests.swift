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

    @Test func otsuSplitsTwoModes() {
        let histogram = histogram([50: 100, 200: 100])
        let threshold = histogram.otsuThreshold
        #expect(threshold == 51)
        let pixels = buffer8(width: 2, height: 1, channels: 1, [50, 200])
        #expect(BinaryConversion.apply(pixels, threshold: threshold).bytes == [0, 255])
    }

    @Test func otsuOnSpreadModes() {
        var bins = [Int: Int]()
        for level in 20...60 { bins[level] = 60 - abs(level - 40) }
        for level in 150...230 { bins[level] = 2 * (40 - abs(level - 190)) + 1 }
        let threshold = histogram(bins).otsuThreshold
        #expect(threshold > 60 && threshold <= 150, "threshold \(threshold)")
        #expect(threshold == Self.bruteForceOtsu(histogram(bins).bins) + 1)
    }

    // iipsrv-reference §6.4: the standard between-class variance maximisation
    @Test func otsuMatchesBruteForceOnRandomHistograms() {
        var random = TestPattern.Generator(seed: 0x0751)
        for _ in 0..<50 {
            var histogram = histogram([:])
            for level in 0..<256 where random.next() % 3 == 0 { histogram.bins[level] = Int(random.next() % 1000) }
            guard histogram.bins.filter({ $0 > 0 }).count > 1 else { continue }
            #expect(histogram.otsuThreshold == Self.bruteForceOtsu(histogram.bins) + 1)
        }
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
        #expect(empty.otsuThreshold == 128)
        #expect(empty.occupiedRange == 0...255)
    }

    // iipsrv-reference §6.4: stretch uses the first and last occupied bins
    @Test func occupiedRange() {
        #expect(histogram([17: 3, 99: 1, 201: 8]).occupiedRange == 17...201)
        #expect(histogram([42: 1]).occupiedRange == 42...42)
    }

    // iipsrv-reference §6.4: the equalisation LUT follows the cumulative histogram
    @Test func equalisationTableIsMonotonicAndSpansTheRange() {
        var random = TestPattern.Generator(seed: 99)
        var bins = [Int: Int]()
        for level in 30...220 where random.next() % 2 == 0 { bins[level] = Int(random.next() % 500) + 1 }
        let table = histogram(bins).equalizationTable
        #expect(table.count == 256)
        #expect(zip(table, table.dropFirst()).allSatisfy { $0 <= $1 })
        let first = bins.keys.min()!
        let last = bins.keys.max()!
        #expect(table[0..<first].allSatisfy { $0 == 0 })
        #expect(table[first] == 0)
        #expect(table[last...].allSatisfy { $0 == 255 })
    }

    @Test func equalisationOfUniformHistogramIsNearIdentity() {
        var histogram = histogram([:])
        for level in 0..<256 { histogram.bins[level] = 10 }
        let table = histogram.equalizationTable
        // cdf(i) = 10 (i + 1), first = 10: lut(i) = round(255 i / 255) = i.
        #expect(table == (0...255).map { UInt8($0) })
    }
}
