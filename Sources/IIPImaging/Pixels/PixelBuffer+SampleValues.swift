public import IIPModel

extension PixelBuffer {
    /// Every sample as a number, channel-interleaved, as stored: 8, 16 and 32-bit unsigned and signed integers and
    /// 32-bit floats (SPECTRA and PFL read raw values). An inconsistent buffer gives no values.
    public var sampleValues: [Double] {
        guard isConsistent else { return [] }
        switch (bitsPerSample, sampleFormat) {
        case (8, .signedInteger): return bytes.map { Double(Int8(bitPattern: $0)) }
        case (8, _): return bytes.map { Double($0) }
        case (16, .signedInteger): return bytes.withUnsafeBytes { $0.bindMemory(to: Int16.self).map { Double($0) } }
        case (16, _): return bytes.withUnsafeBytes { $0.bindMemory(to: UInt16.self).map { Double($0) } }
        case (32, .floatingPoint): return bytes.withUnsafeBytes { $0.bindMemory(to: Float.self).map { Double($0) } }
        case (32, .signedInteger): return bytes.withUnsafeBytes { $0.bindMemory(to: Int32.self).map { Double($0) } }
        case (32, _): return bytes.withUnsafeBytes { $0.bindMemory(to: UInt32.self).map { Double($0) } }
        default: return []
        }
    }
}
