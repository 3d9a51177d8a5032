/// A palette colour TIFF's ColorMap as 8-bit sRGB, and the expansion of its indices (Photometric 3).
///
/// The ColorMap holds 2^BitsPerSample red, green and blue entries of 16 bits. Each becomes the nearest 8-bit value,
/// `round(v / 257)`, so that an entry written as `x * 257` (the usual way of storing an 8-bit colour) reads back as
/// `x`. A ColorMap whose entries are all below 256 was written with 8-bit values by a writer that did not scale
/// them (a common fault of old software): its entries are taken as they are, as libtiff's RGBA reader and libvips do.
struct TIFFPalette: Hashable {
    /// Index depth: 1, 2, 4, 8 or 16 bits.
    let bits: Int
    /// Red, green and blue of each index, 3 x 2^``bits`` bytes.
    let rgb: [UInt8]

    /// The palette of `colorMap`, whose three arrays must each have 2^`bits` entries.
    ///
    /// - Throws: ``ImagingError/unsupportedLayout(_:)`` for another depth or length.
    init(bits: Int, red: [UInt16], green: [UInt16], blue: [UInt16]) throws(ImagingError) {
        guard [1, 2, 4, 8, 16].contains(bits) else {
            throw .unsupportedLayout("palette indices of \(bits) bits (1, 2, 4, 8 or 16)")
        }
        let count = 1 << bits
        guard red.count == count, green.count == count, blue.count == count else {
            throw .unsupportedLayout("a ColorMap of \(red.count) entries for \(bits)-bit indices (needs \(count))")
        }
        let eightBit = red.allSatisfy { $0 < 256 } && green.allSatisfy { $0 < 256 } && blue.allSatisfy { $0 < 256 }
        func narrow(_ value: UInt16) -> UInt8 {
            eightBit ? UInt8(value) : UInt8((Int(value) * 255 + 32767) / 65535)
        }
        var rgb = [UInt8](repeating: 0, count: count * 3)
        for index in 0..<count {
            rgb[index * 3] = narrow(red[index])
            rgb[index * 3 + 1] = narrow(green[index])
            rgb[index * 3 + 2] = narrow(blue[index])
        }
        self.bits = bits
        self.rgb = rgb
    }

    /// Replaces the indices of a tile, rows `sourceRowBytes` apart in `raw` (sub-byte indices MSB first, each row
    /// starting on a byte; 16-bit ones in native byte order, as libtiff hands them out), by their colours in
    /// `pixels` (3 channels, 8 bits), cropped to the size of `pixels`.
    func expand(_ raw: [UInt8], sourceRowBytes: Int, into pixels: inout PixelBuffer) throws(ImagingError) {
        let width = pixels.width
        guard pixels.height > 0, width > 0 else { return }
        let rowBytes = (width * bits + 7) / 8
        guard pixels.channels == 3, pixels.bitsPerSample == 8, pixels.isConsistent, rowBytes <= sourceRowBytes,
            (pixels.height - 1) * sourceRowBytes + rowBytes <= raw.count
        else { throw .decodeFailed("palette tile data shorter than \(width)x\(pixels.height) pixels") }
        let bits = bits
        let mask = (1 << bits) - 1
        rgb.withUnsafeBufferPointer { colours in
            raw.withUnsafeBytes { source in
                pixels.bytes.withUnsafeMutableBufferPointer { target in
                    for row in 0..<pixels.height {
                        let base = row * sourceRowBytes
                        var out = row * width * 3
                        for column in 0..<width {
                            let index: Int
                            switch bits {
                            case 8: index = Int(source[base + column])
                            case 16:
                                index = Int(source.loadUnaligned(fromByteOffset: base + column * 2, as: UInt16.self))
                            default:
                                let position = column * bits
                                let byte = Int(source[base + position / 8])
                                index = byte >> (8 - bits - position % 8) & mask
                            }
                            target[out] = colours[index * 3]
                            target[out + 1] = colours[index * 3 + 1]
                            target[out + 2] = colours[index * 3 + 2]
                            out += 3
                        }
                    }
                }
            }
        }
    }
}
