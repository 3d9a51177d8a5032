extension PixelBuffer {
    /// The buffer reduced by averaging `block` x `block` squares (rounded), to `width` x `height` pixels: the
    /// virtual levels below a JPEG 2000 codestream's smallest. Squares past the right or bottom edge average
    /// the pixels that exist. 8- and 16-bit unsigned samples; other buffers come back unchanged.
    func averaged(block: Int, width: Int, height: Int) -> PixelBuffer {
        guard block > 1, width > 0, height > 0, isConsistent, sampleFormat == .unsignedInteger,
            bitsPerSample == 8 || bitsPerSample == 16
        else { return self }
        let channels = self.channels
        let sourceWidth = self.width
        let sourceHeight = self.height
        var sums = [Int](repeating: 0, count: width * height * channels)
        var counts = [Int](repeating: 0, count: width * height)
        func accumulate(_ sample: (Int) -> Int) {
            for y in 0..<sourceHeight {
                let row = y / block
                guard row < height else { break }
                for x in 0..<sourceWidth {
                    let column = x / block
                    guard column < width else { break }
                    let target = row * width + column
                    counts[target] += 1
                    let source = (y * sourceWidth + x) * channels
                    for channel in 0..<channels { sums[target * channels + channel] += sample(source + channel) }
                }
            }
        }
        if bitsPerSample == 8 {
            bytes.withUnsafeBufferPointer { source in accumulate { Int(source[$0]) } }
        } else {
            bytes.withUnsafeBytes { raw in
                let source = raw.bindMemory(to: UInt16.self)
                accumulate { Int(source[$0]) }
            }
        }
        var averages = [Int](repeating: 0, count: sums.count)
        for index in 0..<sums.count {
            let count = max(counts[index / channels], 1)
            averages[index] = (sums[index] + count / 2) / count
        }
        if bitsPerSample == 8 {
            return PixelBuffer(
                width: width, height: height, channels: channels, bytes: averages.map { UInt8(clamping: $0) })
        }
        let samples = averages.map { UInt16(clamping: $0) }
        return PixelBuffer(
            width: width, height: height, channels: channels, bitsPerSample: 16,
            bytes: samples.withUnsafeBytes { Array($0) })
    }
}
