public import IIPModel

/// Mirroring and quarter-turn rotation of pixels (iipsrv-reference §6.2 steps 9-10).
public enum Orientation {
    /// Applies `rotation` to `pixels`: a horizontal mirror first (a vertical flip for a mirrored 180), then a
    /// clockwise rotation by 90, 180 or 270 degrees. Other angles (NaN and infinity included) leave the pixels
    /// unchanged, as do buffers whose bytes do not match their dimensions.
    public static func apply(_ rotation: Rotation, to pixels: PixelBuffer) -> PixelBuffer {
        guard let turns = rotation.quarterTurns, pixels.isConsistent else { return pixels }
        var result = pixels
        if rotation.mirrored {
            result = turns == 2 ? flipVertically(result) : flipHorizontally(result)
            if turns == 2 { return result }
        }
        switch turns {
        case 1: return rotate(result, clockwise: true)
        case 2: return rotate180(result)
        case 3: return rotate(result, clockwise: false)
        default: return result
        }
    }

    static func flipHorizontally(_ pixels: PixelBuffer) -> PixelBuffer {
        var output = pixels
        let stride = pixels.bytesPerPixel
        for y in 0..<pixels.height {
            let row = y * pixels.rowBytes
            for x in 0..<pixels.width {
                let from = row + x * stride
                let to = row + (pixels.width - 1 - x) * stride
                for b in 0..<stride { output.bytes[to + b] = pixels.bytes[from + b] }
            }
        }
        return output
    }

    static func flipVertically(_ pixels: PixelBuffer) -> PixelBuffer {
        var output = pixels
        let rowBytes = pixels.rowBytes
        for y in 0..<pixels.height {
            let from = y * rowBytes
            let to = (pixels.height - 1 - y) * rowBytes
            output.bytes.replaceSubrange(to..<to + rowBytes, with: pixels.bytes[from..<from + rowBytes])
        }
        return output
    }

    static func rotate180(_ pixels: PixelBuffer) -> PixelBuffer {
        var output = pixels
        let stride = pixels.bytesPerPixel
        let count = pixels.width * pixels.height
        for i in 0..<count {
            let from = i * stride
            let to = (count - 1 - i) * stride
            for b in 0..<stride { output.bytes[to + b] = pixels.bytes[from + b] }
        }
        return output
    }

    static func rotate(_ pixels: PixelBuffer, clockwise: Bool) -> PixelBuffer {
        var output = PixelBuffer(
            width: pixels.height, height: pixels.width, channels: pixels.channels,
            bitsPerSample: pixels.bitsPerSample, sampleFormat: pixels.sampleFormat)
        let stride = pixels.bytesPerPixel
        for y in 0..<pixels.height {
            for x in 0..<pixels.width {
                let (nx, ny) = clockwise ? (pixels.height - 1 - y, x) : (y, pixels.width - 1 - x)
                let from = (y * pixels.width + x) * stride
                let to = (ny * output.width + nx) * stride
                for b in 0..<stride { output.bytes[to + b] = pixels.bytes[from + b] }
            }
        }
        return output
    }
}
