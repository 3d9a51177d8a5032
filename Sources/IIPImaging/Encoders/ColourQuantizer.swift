/// Reduces RGB pixels to a palette of at most 256 colours, deterministically.
///
/// Images with few enough distinct colours keep them exactly. Otherwise median cut runs over a histogram of
/// 5-bit-per-channel bins (each bin remembers the mean of its pixels), splitting the box with the largest
/// population times extent at the median of its longest axis; each palette entry is the mean of its box's pixels.
/// Pixels map to the palette entry nearest to their bin's mean colour.
struct ColourQuantizer {
    /// The palette, as RGB triples.
    private(set) var palette: [(r: UInt8, g: UInt8, b: UInt8)] = []
    /// Exact colour (0xRRGGBB) to palette index, when the image had few enough colours.
    private var exact: [UInt32: UInt8]?
    /// 15-bit bin to palette index, otherwise.
    private var binIndex: [UInt8] = []

    /// Builds a palette of at most `maxColours` (1...256) for the pixels `isIncluded` accepts.
    ///
    /// - Parameters:
    ///   - rgb: Interleaved 8-bit samples, `stride` bytes per pixel, red first.
    ///   - isIncluded: Whether pixel `i` counts (transparent pixels do not).
    init(rgb: UnsafeBufferPointer<UInt8>, stride: Int, maxColours: Int, isIncluded: (Int) -> Bool) {
        let count = rgb.count / stride
        var distinct: [UInt32: UInt8] = [:]
        var fits = true
        for pixel in 0..<count where isIncluded(pixel) {
            let key = Self.key(rgb, pixel * stride)
            if distinct[key] == nil {
                guard distinct.count < maxColours else {
                    fits = false
                    break
                }
                distinct[key] = 0
            }
        }
        if fits {
            let colours = distinct.keys.sorted()
            var map: [UInt32: UInt8] = [:]
            for (index, colour) in colours.enumerated() {
                map[colour] = UInt8(index)
                palette.append((UInt8(colour >> 16), UInt8((colour >> 8) & 0xFF), UInt8(colour & 0xFF)))
            }
            exact = map
            return
        }
        medianCut(rgb: rgb, stride: stride, count: count, maxColours: maxColours, isIncluded: isIncluded)
    }

    /// The palette index for the pixel at `offset`.
    func index(_ rgb: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt8 {
        if let exact { return exact[Self.key(rgb, offset)] ?? 0 }
        return binIndex[Self.bin(rgb, offset)]
    }

    private static func key(_ rgb: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        UInt32(rgb[offset]) << 16 | UInt32(rgb[offset + 1]) << 8 | UInt32(rgb[offset + 2])
    }

    private static func bin(_ rgb: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Int {
        Int(rgb[offset] >> 3) << 10 | Int(rgb[offset + 1] >> 3) << 5 | Int(rgb[offset + 2] >> 3)
    }

    private struct Bin {
        var bin: Int
        var count: Int
        var sums: (Int, Int, Int)

        func mean(_ channel: Int) -> Int {
            let sum = channel == 0 ? sums.0 : channel == 1 ? sums.1 : sums.2
            return (sum + count / 2) / count
        }
    }

    private mutating func medianCut(
        rgb: UnsafeBufferPointer<UInt8>, stride: Int, count: Int, maxColours: Int, isIncluded: (Int) -> Bool
    ) {
        var counts = [Int](repeating: 0, count: 32768)
        var sums = [(Int, Int, Int)](repeating: (0, 0, 0), count: 32768)
        for pixel in 0..<count where isIncluded(pixel) {
            let offset = pixel * stride
            let bin = Self.bin(rgb, offset)
            counts[bin] += 1
            sums[bin].0 += Int(rgb[offset])
            sums[bin].1 += Int(rgb[offset + 1])
            sums[bin].2 += Int(rgb[offset + 2])
        }
        var bins: [Bin] = []
        for bin in 0..<32768 where counts[bin] > 0 { bins.append(Bin(bin: bin, count: counts[bin], sums: sums[bin])) }

        // Boxes are ranges of `bins` with their extents cached; each split sorts its box along its longest axis.
        typealias Box = (range: Range<Int>, axis: Int, size: Int, population: Int)
        func measure(_ range: Range<Int>) -> Box {
            var low = [255, 255, 255]
            var high = [0, 0, 0]
            var population = 0
            for entry in bins[range] {
                population += entry.count
                for channel in 0..<3 {
                    let value = entry.mean(channel)
                    low[channel] = min(low[channel], value)
                    high[channel] = max(high[channel], value)
                }
            }
            let sizes = (0..<3).map { high[$0] - low[$0] }
            let axis = sizes[1] > sizes[0] ? (sizes[2] > sizes[1] ? 2 : 1) : (sizes[2] > sizes[0] ? 2 : 0)
            return (range, axis, sizes[axis], population)
        }
        var boxes: [Box] = [measure(0..<bins.count)]
        while boxes.count < maxColours {
            var chosen: Int?
            var bestScore = 0.0
            for (index, box) in boxes.enumerated() where box.range.count > 1 && box.size > 0 {
                let score = Double(box.population) * Double(box.size)
                if score > bestScore {
                    bestScore = score
                    chosen = index
                }
            }
            guard let chosen else { break }
            let box = boxes[chosen]
            let range = box.range
            let axis = box.axis
            bins[range].sort { a, b in
                let x = a.mean(axis)
                let y = b.mean(axis)
                return x != y ? x < y : a.bin < b.bin
            }
            // split where half the population lies on each side, keeping both halves non-empty
            var running = 0
            var split = range.lowerBound + 1
            for position in range {
                running += bins[position].count
                if running * 2 >= box.population {
                    split = min(max(position + 1, range.lowerBound + 1), range.upperBound - 1)
                    break
                }
            }
            boxes[chosen] = measure(range.lowerBound..<split)
            boxes.append(measure(split..<range.upperBound))
        }

        for box in boxes {
            var total = 0
            var r = 0
            var g = 0
            var b = 0
            for entry in bins[box.range] {
                total += entry.count
                r += entry.sums.0
                g += entry.sums.1
                b += entry.sums.2
            }
            palette.append(
                (UInt8((r + total / 2) / total), UInt8((g + total / 2) / total), UInt8((b + total / 2) / total)))
        }
        binIndex = [UInt8](repeating: 0, count: 32768)
        for entry in bins {
            binIndex[entry.bin] = nearest(entry.mean(0), entry.mean(1), entry.mean(2))
        }
    }

    private func nearest(_ r: Int, _ g: Int, _ b: Int) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for (index, colour) in palette.enumerated() {
            let dr = Int(colour.r) - r
            let dg = Int(colour.g) - g
            let db = Int(colour.b) - b
            let distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db
            if distance < bestDistance {
                bestDistance = distance
                best = index
            }
        }
        return UInt8(best)
    }
}
