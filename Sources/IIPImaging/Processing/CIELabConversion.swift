#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CIELAB samples to 8-bit sRGB (iipsrv-reference §6.2 step 2, §6.3), with master's constants: D65 white
/// (95.0470, 100, 108.8827), the IEC 61966-2-1 XYZ-to-linear-RGB matrix and the sRGB transfer curve, each channel
/// clipped to 0...1 and written to 8 bits as master's contrast stage does (`v * 255`, truncated).
///
/// TIFF CIELab: 8-bit L is `byte / 2.55` with a and b signed bytes; 16-bit L is `(u16 >> 1) / 327.67` with a and b
/// the top byte of a signed 16-bit sample. Channels after the third (alpha) are dropped.
public enum CIELabConversion {
    /// Converts `pixels` (3 or more channels, 8 or 16 bits, as stored in a CIELab TIFF) to 3-channel 8-bit sRGB;
    /// other buffers come back unchanged.
    public static func toSRGB(_ pixels: PixelBuffer) -> PixelBuffer {
        guard pixels.channels >= 3, pixels.isConsistent, pixels.bitsPerSample == 8 || pixels.bitsPerSample == 16
        else { return pixels }
        let count = pixels.width * pixels.height
        let channels = pixels.channels
        var output = [UInt8](repeating: 0, count: count * 3)
        func convert(_ lab: (Int) -> (Float, Float, Float)) {
            for pixel in 0..<count {
                let (l, a, b) = lab(pixel * channels)
                let (r, g, bl) = srgb(l: l, a: a, b: b)
                output[pixel * 3] = r
                output[pixel * 3 + 1] = g
                output[pixel * 3 + 2] = bl
            }
        }
        if pixels.bitsPerSample == 8 {
            pixels.bytes.withUnsafeBufferPointer { source in
                convert { index in
                    (
                        Float(Double(source[index]) / 2.55), Float(Int8(bitPattern: source[index + 1])),
                        Float(Int8(bitPattern: source[index + 2]))
                    )
                }
            }
        } else {
            pixels.bytes.withUnsafeBytes { raw in
                let source = raw.bindMemory(to: UInt16.self)
                convert { index in
                    (
                        Float(Double(source[index] >> 1) / 327.67), Float(Int16(bitPattern: source[index + 1]) >> 8),
                        Float(Int16(bitPattern: source[index + 2]) >> 8)
                    )
                }
            }
        }
        return PixelBuffer(width: pixels.width, height: pixels.height, channels: 3, bytes: output)
    }

    /// One Lab colour as 8-bit sRGB, in master's precision: L, a, b, X, Y, Z and the matrix single-precision, the
    /// intermediate terms, the sums' conversion and the transfer curve double-precision. Computing it all in double
    /// precision moves a channel by one level now and then, which a bi-level threshold or an equalisation table
    /// turns into a larger difference.
    static func srgb(l: Float, a: Float, b: Float) -> (UInt8, UInt8, UInt8) {
        let (xn, yn, zn) = (95.0470, 100.0, 108.8827)
        var y: Float
        let fy: Double
        if l < 8 {
            y = Float(Double(l) * yn / 903.3)
            fy = 7.787 * (Double(y) / yn) + 16.0 / 116.0
        } else {
            fy = (Double(l) + 16) / 116
            y = Float(yn * fy * fy * fy)
        }
        func component(_ f: Double, _ white: Double) -> Float {
            Float(f < 0.2069 ? white * (f - 0.13793) / 7.787 : white * f * f * f)
        }
        let x = Float(Double(component(Double(a) / 500 + fy, xn)) / 100)
        let z = Float(Double(component(fy - Double(b) / 200, zn)) / 100)
        y = Float(Double(y) / 100)
        func encode(_ m0: Float, _ m1: Float, _ m2: Float) -> UInt8 {
            let v = max(Double(x * m0 + y * m1 + z * m2), 0)
            let gamma = v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
            return UInt8(min(max(gamma, 0), 1) * 255)
        }
        return (
            encode(3.2406255, -1.537208, -0.4986286), encode(-0.9689307, 1.8757561, 0.0415175),
            encode(0.0557101, -0.2040211, 1.0569959)
        )
    }
}
