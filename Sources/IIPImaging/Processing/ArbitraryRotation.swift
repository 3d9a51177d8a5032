#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rotation by any angle, as IIIF allows (`rotationArbitrary`): the picture turns clockwise about its centre and
/// the output is the bounding box of the turned picture. Corners outside the picture are transparent when the
/// output keeps an alpha band, or `background` otherwise.
public enum ArbitraryRotation {
    /// The output size for a `width` x `height` picture turned by `degrees` clockwise.
    public static func boundingSize(width: Int, height: Int, degrees: Double) -> (width: Int, height: Int) {
        let radians = degrees * .pi / 180
        let c = abs(cos(radians))
        let s = abs(sin(radians))
        // Round away tiny floating-point excess so that 90-degree multiples give exact sizes.
        let w = Double(width) * c + Double(height) * s
        let h = Double(width) * s + Double(height) * c
        return (max(Int((w - 1e-6).rounded(.up)), 1), max(Int((h - 1e-6).rounded(.up)), 1))
    }

    /// Turns 8-bit `pixels` by `degrees` clockwise with bilinear sampling.
    ///
    /// - Parameters:
    ///   - transparent: Add an alpha band (if there is none) and make the uncovered corners transparent.
    ///   - background: The colour of uncovered corners without transparency (one value per band, or a single grey).
    public static func rotate(
        _ pixels: PixelBuffer, degrees: Double, transparent: Bool, background: UInt8 = 255
    ) -> PixelBuffer {
        precondition(pixels.bitsPerSample == 8, "rotation works on 8-bit samples")
        let source = transparent ? withAlpha(pixels) : pixels
        let channels = source.channels
        let (width, height) = boundingSize(width: source.width, height: source.height, degrees: degrees)
        var output = PixelBuffer(width: width, height: height, channels: channels)
        let alphaBand = transparent ? channels - 1 : -1
        let radians = degrees * .pi / 180
        let c = cos(radians)
        let s = sin(radians)
        let sourceCentreX = Double(source.width) / 2
        let sourceCentreY = Double(source.height) / 2
        let centreX = Double(width) / 2
        let centreY = Double(height) / 2
        let rowBytes = source.rowBytes
        source.bytes.withUnsafeBufferPointer { input in
            output.bytes.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let v = Double(y) + 0.5 - centreY
                    for x in 0..<width {
                        let u = Double(x) + 0.5 - centreX
                        let sx = u * c + v * s + sourceCentreX - 0.5
                        let sy = -u * s + v * c + sourceCentreY - 0.5
                        let target = (y * width + x) * channels
                        guard sx > -1, sy > -1, sx < Double(source.width), sy < Double(source.height) else {
                            for band in 0..<channels { out[target + band] = band == alphaBand ? 0 : background }
                            continue
                        }
                        let x0 = Int(sx.rounded(.down))
                        let y0 = Int(sy.rounded(.down))
                        let fx = sx - Double(x0)
                        let fy = sy - Double(y0)
                        for band in 0..<channels {
                            func sample(_ px: Int, _ py: Int) -> Double {
                                guard px >= 0, py >= 0, px < source.width, py < source.height else {
                                    return band == alphaBand ? 0 : Double(background)
                                }
                                return Double(input[py * rowBytes + px * channels + band])
                            }
                            let top = sample(x0, y0) * (1 - fx) + sample(x0 + 1, y0) * fx
                            let bottom = sample(x0, y0 + 1) * (1 - fx) + sample(x0 + 1, y0 + 1) * fx
                            out[target + band] = UInt8(min(max((top * (1 - fy) + bottom * fy).rounded(), 0), 255))
                        }
                    }
                }
            }
        }
        return output
    }

    /// `pixels` with an opaque alpha band added when it has none (grey → grey+alpha, RGB → RGBA).
    static func withAlpha(_ pixels: PixelBuffer) -> PixelBuffer {
        guard pixels.channels == 1 || pixels.channels == 3 else { return pixels }
        let channels = pixels.channels + 1
        var output = PixelBuffer(width: pixels.width, height: pixels.height, channels: channels)
        let count = pixels.width * pixels.height
        for pixel in 0..<count {
            for band in 0..<pixels.channels {
                output.bytes[pixel * channels + band] = pixels.bytes[pixel * pixels.channels + band]
            }
            output.bytes[pixel * channels + channels - 1] = 255
        }
        return output
    }
}
