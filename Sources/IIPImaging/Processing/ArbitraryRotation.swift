import IIPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rotation by any angle, as IIIF allows (`rotationArbitrary`): the picture turns clockwise and the output is the
/// bounding box of the turned picture.
///
/// The geometry is libvips' (`vips_rotate`), so that answers agree with the most used imaging library and with the
/// `iiif-validator-ng` tests, which compare with it: pixel indices turn about index (0, 0); the box is that of the
/// turned rectangle `[0, width] x [0, height]`, its origin and size rounded half up; each output pixel samples
/// the input bilinearly at the inverse-turned index, blending with the background at the edges. Corners outside the picture are transparent when the
/// output keeps an alpha band, or `background` otherwise: black by default, as libvips (and so Cantaloupe and the
/// `iiif-validator-ng` tests, which compare with libvips' own rotation) fills them.
///
/// Angles are reduced to `0..<360` before any trigonometry, so `1e308` degrees turns by its exact remainder
/// rather than by a radian count that has lost all precision; NaN and infinity are refused.
public enum ArbitraryRotation {
    /// The output size for a `width` x `height` picture turned by `degrees` clockwise, at least 1 x 1.
    ///
    /// Total for any input: negative sizes count as 0, a NaN or infinite angle as 0 degrees, and a side too large
    /// for an `Int` saturates at `Int.max` (``rotate(_:degrees:transparent:background:maxBytes:)`` refuses such a
    /// size before allocating).
    public static func boundingSize(width: Int, height: Int, degrees: Double) -> (width: Int, height: Int) {
        let radians = Rotation.normalized(degrees) * .pi / 180
        let c = abs(cos(radians))
        let s = abs(sin(radians))
        let sourceWidth = Double(max(width, 0))
        let sourceHeight = Double(max(height, 0))
        let w = sourceWidth * c + sourceHeight * s
        let h = sourceWidth * s + sourceHeight * c
        func side(_ value: Double) -> Int {
            max(Int.clamping(value + 0.5, rounding: .down), 1)
        }
        return (side(w), side(h))
    }

    /// Turns 8-bit `pixels` by `degrees` clockwise with bilinear sampling.
    ///
    /// - Parameters:
    ///   - transparent: Add an alpha band (if there is none) and make the uncovered corners transparent.
    ///   - background: The colour of uncovered corners without transparency.
    ///   - maxBytes: The largest output allowed. A long thin strip turned by 45 degrees has a bounding box far
    ///     larger than itself (a 1 x 1,000,000 strip needs 707,107 x 707,107 pixels).
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for a NaN or infinite angle, samples other than 8 bits, or
    ///   bytes that do not match the dimensions; ``ImagingError/tooLarge(_:)`` when the output exceeds `maxBytes`.
    public static func rotate(
        _ pixels: PixelBuffer, degrees: Double, transparent: Bool, background: UInt8 = 0, maxBytes: Int
    ) throws(ImagingError) -> PixelBuffer {
        guard degrees.isFinite else { throw .invalidParameter("rotation by \(degrees) degrees") }
        guard pixels.bitsPerSample == 8, pixels.isConsistent else {
            throw .invalidParameter(
                "rotation needs consistent 8-bit samples, got \(pixels.bitsPerSample)-bit \(pixels.width)x\(pixels.height)"
            )
        }
        let angle = Rotation.normalized(degrees)
        let channels =
            transparent && (pixels.channels == 1 || pixels.channels == 3) ? pixels.channels + 1 : pixels.channels
        let (width, height) = boundingSize(width: pixels.width, height: pixels.height, degrees: angle)
        // Check the output first: the alpha copy of the input is no larger than the output's bounding box.
        var output = try PixelBuffer.zeroed(width: width, height: height, channels: channels, maxBytes: maxBytes)
        let source = transparent ? try withAlpha(pixels, maxBytes: maxBytes) : pixels
        render(source, into: &output, radians: angle * .pi / 180, transparent: transparent, background: background)
        return output
    }

    /// ``rotate(_:degrees:transparent:background:maxBytes:)`` within ``ImageLimits/maxBufferBytes`` of the default
    /// limits, without an error: a NaN or infinite angle, samples other than 8 bits or inconsistent bytes leave
    /// `pixels` unchanged, and an output over the limit is an empty 0 x 0 buffer (which every encoder refuses).
    /// Prefer the throwing form, which says why.
    public static func rotate(
        _ pixels: PixelBuffer, degrees: Double, transparent: Bool, background: UInt8 = 0
    ) -> PixelBuffer {
        do {
            return try rotate(
                pixels, degrees: degrees, transparent: transparent, background: background,
                maxBytes: ImageLimits.default.maxBufferBytes)
        } catch {
            if case .tooLarge = error { return PixelBuffer(width: 0, height: 0, channels: pixels.channels, bytes: []) }
            return pixels
        }
    }

    /// Fills `output` (8-bit, `source.channels` bands) with `source` turned by `radians`, placed as libvips places it.
    private static func render(
        _ source: PixelBuffer, into output: inout PixelBuffer, radians: Double, transparent: Bool, background: UInt8
    ) {
        let channels = source.channels
        let width = output.width
        let height = output.height
        let alphaBand = transparent ? channels - 1 : -1
        let c = cos(radians)
        let s = sin(radians)
        // The turned corners of [0, w] x [0, h]; the box starts at their minimum, rounded half up.
        let sw = Double(source.width)
        let sh = Double(source.height)
        let xs = [0, sw * c, -sh * s, sw * c - sh * s]
        let ys = [0, sw * s, sh * c, sw * s + sh * c]
        let left = (xs.min()! + 0.5).rounded(.down)
        let top = (ys.min()! + 0.5).rounded(.down)
        let rowBytes = source.rowBytes
        source.bytes.withUnsafeBufferPointer { input in
            output.bytes.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let v = Double(y) + top
                    for x in 0..<width {
                        let u = Double(x) + left
                        let sx = u * c + v * s
                        let sy = -u * s + v * c
                        let target = (y * width + x) * channels
                        // Also false for NaN: only coordinates inside (-1, size) reach the Int conversions.
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
    }

    /// `pixels` with an opaque alpha band added when it has none (grey → grey+alpha, RGB → RGBA).
    static func withAlpha(
        _ pixels: PixelBuffer, maxBytes: Int = ImageLimits.default.maxBufferBytes
    ) throws(ImagingError) -> PixelBuffer {
        guard pixels.channels == 1 || pixels.channels == 3 else { return pixels }
        let channels = pixels.channels + 1
        var output = try PixelBuffer.zeroed(
            width: pixels.width, height: pixels.height, channels: channels, maxBytes: maxBytes)
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
