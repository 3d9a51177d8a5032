import CIIPShims
import CTIFF
public import IIPModel

/// A watermark, ready for iipsrv's additive blend (iipsrv-reference §6.5): each pixel of the WATERMARK image is
/// stored as `floor(c * opacity * alpha / 255)` per colour, and added to the picture, capped at the maximum.
public struct Watermark: Sendable, Hashable {
    /// Width of the watermark, in pixels.
    public let width: Int
    /// Height of the watermark, in pixels.
    public let height: Int
    /// Red, green and blue to add, interleaved, `width * height * 3` bytes.
    let rgb: [UInt8]

    /// Premultiplies an 8-bit RGBA picture (1-4 channels: grey, grey and alpha, RGB, RGBA) by `opacity` (0...1)
    /// and its alpha.
    public init(picture: PixelBuffer, opacity: Double) throws(ImagingError) {
        guard picture.bitsPerSample == 8, (1...4).contains(picture.channels), picture.isConsistent,
            picture.width > 0, picture.height > 0
        else { throw .unsupportedLayout("a watermark must be an 8-bit picture of 1 to 4 channels") }
        let opacity = min(max(opacity.isFinite ? opacity : 0, 0), 1)
        let channels = picture.channels
        var rgb = [UInt8](repeating: 0, count: picture.width * picture.height * 3)
        for pixel in 0..<(picture.width * picture.height) {
            let base = pixel * channels
            let colour: (Int, Int, Int) =
                channels >= 3
                ? (Int(picture.bytes[base]), Int(picture.bytes[base + 1]), Int(picture.bytes[base + 2]))
                : (Int(picture.bytes[base]), Int(picture.bytes[base]), Int(picture.bytes[base]))
            let alpha = channels == 2 || channels == 4 ? Double(picture.bytes[base + channels - 1]) : 255
            let factor = opacity * alpha / 255
            rgb[pixel * 3] = UInt8(Double(colour.0) * factor)
            rgb[pixel * 3 + 1] = UInt8(Double(colour.1) * factor)
            rgb[pixel * 3 + 2] = UInt8(Double(colour.2) * factor)
        }
        self.width = picture.width
        self.height = picture.height
        self.rgb = rgb
    }

    /// Reads the TIFF at `path` (any layout libtiff's RGBA reader knows), as iipsrv reads WATERMARK once at
    /// start-up. A blocking call.
    ///
    /// - Parameter maxSide: The largest width or height accepted.
    public init(path: String, opacity: Double, maxSide: Int = 16384) throws(ImagingError) {
        let file = try TIFFFile(path: path)
        guard let width = file.u32(TIFFTAG_IMAGEWIDTH), let height = file.u32(TIFFTAG_IMAGELENGTH), width > 0,
            height > 0, Int(width) <= maxSide, Int(height) <= maxSide
        else { throw .unsupportedLayout("a watermark must be 1 to \(maxSide) pixels a side") }
        var raster = [UInt32](repeating: 0, count: Int(width) * Int(height))
        let status = raster.withUnsafeMutableBufferPointer {
            TIFFReadRGBAImageOriented(file.handle, width, height, $0.baseAddress, ORIENTATION_TOPLEFT, 0)
        }
        guard status == 1 else { throw .decodeFailed(file.lastError ?? "cannot read the watermark") }
        // libtiff packs each pixel as ABGR in a 32-bit word: R in the low byte.
        var picture = PixelBuffer(width: Int(width), height: Int(height), channels: 4, bitsPerSample: 8)
        for (index, word) in raster.enumerated() {
            picture.bytes[index * 4] = UInt8(truncatingIfNeeded: word)
            picture.bytes[index * 4 + 1] = UInt8(truncatingIfNeeded: word >> 8)
            picture.bytes[index * 4 + 2] = UInt8(truncatingIfNeeded: word >> 16)
            picture.bytes[index * 4 + 3] = UInt8(truncatingIfNeeded: word >> 24)
        }
        try self.init(picture: picture, opacity: opacity)
    }

    /// Adds the watermark to `pixels` with its top-left corner at (`x`, `y`), cropped at the edges: 8-bit samples
    /// gain the watermark's value, 16-bit ones 256 times it, capped at the maximum. One or two channels take the
    /// red plane; three or four the three colours; alpha is left alone. Other sample formats are left unchanged.
    public func blend(into pixels: inout PixelBuffer, x: Int, y: Int) {
        guard pixels.isConsistent, pixels.sampleFormat == .unsignedInteger,
            pixels.bitsPerSample == 8 || pixels.bitsPerSample == 16, x >= 0, y >= 0
        else { return }
        let channels = pixels.channels
        let colours = channels >= 3 ? 3 : 1
        let columns = min(width, pixels.width - x)
        let rows = min(height, pixels.height - y)
        guard columns > 0, rows > 0 else { return }
        let pictureWidth = pixels.width
        if pixels.bitsPerSample == 8 {
            pixels.bytes.withUnsafeMutableBufferPointer { samples in
                for row in 0..<rows {
                    for column in 0..<columns {
                        let source = ((row * width) + column) * 3
                        let target = ((y + row) * pictureWidth + x + column) * channels
                        for colour in 0..<colours {
                            let sum = Int(samples[target + colour]) + Int(rgb[source + colour])
                            samples[target + colour] = UInt8(min(sum, 255))
                        }
                    }
                }
            }
        } else {
            pixels.bytes.withUnsafeMutableBytes { raw in
                let samples = raw.bindMemory(to: UInt16.self)
                for row in 0..<rows {
                    for column in 0..<columns {
                        let source = ((row * width) + column) * 3
                        let target = ((y + row) * pictureWidth + x + column) * channels
                        for colour in 0..<colours {
                            let sum = Int(samples[target + colour]) + Int(rgb[source + colour]) * 256
                            samples[target + colour] = UInt16(min(sum, 65535))
                        }
                    }
                }
            }
        }
    }

    /// Marks a tile as master does: with probability `probability`, at a random place inside it when it is larger
    /// than the watermark, at its corner otherwise (iipsrv-reference §6.5).
    public func mark(
        tile pixels: inout PixelBuffer, probability: Double, using generator: inout some RandomNumberGenerator
    ) {
        guard Double.random(in: 0..<1, using: &generator) < probability else { return }
        let x = pixels.width > width ? Int.random(in: 0...(pixels.width - width), using: &generator) : 0
        let y = pixels.height > height ? Int.random(in: 0...(pixels.height - height), using: &generator) : 0
        blend(into: &pixels, x: x, y: y)
    }

    /// Marks an export as master does: a picture larger than `block` pixels a side is cut into `block`-pixel
    /// squares, each rolled and placed apart; a smaller one is marked as one tile.
    public func mark(
        export pixels: inout PixelBuffer, block: Int, probability: Double,
        using generator: inout some RandomNumberGenerator
    ) {
        let side = max(block, 1)
        guard pixels.width > side || pixels.height > side else {
            mark(tile: &pixels, probability: probability, using: &generator)
            return
        }
        for top in stride(from: 0, to: pixels.height, by: side) {
            for left in stride(from: 0, to: pixels.width, by: side) {
                guard Double.random(in: 0..<1, using: &generator) < probability else { continue }
                let across = min(side, pixels.width - left)
                let down = min(side, pixels.height - top)
                let x = across > width ? Int.random(in: 0...(across - width), using: &generator) : 0
                let y = down > height ? Int.random(in: 0...(down - height), using: &generator) : 0
                blend(into: &pixels, x: left + x, y: top + y)
            }
        }
    }
}
