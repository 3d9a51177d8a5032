import IIPImaging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Deterministic synthetic pictures for fixtures: smooth gradients, waves and seeded random shapes, so that
/// every pyramid level has structure and JPEG comparisons mean something.
public enum TestPattern {
    /// A small, fast pseudo-random generator (SplitMix64) so patterns depend only on their seed.
    public struct Generator: RandomNumberGenerator, Sendable {
        var state: UInt64
        /// Creates a generator from a seed.
        public init(seed: UInt64) { state = seed }
        /// The next 64 random bits.
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Renders a picture.
    ///
    /// - Parameters:
    ///   - channels: 1 (grey) or 3 (RGB), or 2/4 with an alpha band; more are bands of a multispectral image.
    ///   - bits: 8 or 16.
    ///   - seed: Chooses the shapes and phases.
    public static func render(width: Int, height: Int, channels: Int, bits: Int = 8, seed: UInt64) -> PixelBuffer {
        var random = Generator(seed: seed)
        var pixels = PixelBuffer(width: width, height: height, channels: channels, bitsPerSample: bits)
        let phase = Double(random.next() % 1000) / 100
        let shapes = (0..<12).map { _ in
            (
                x: Int(random.next() % UInt64(max(width, 1))), y: Int(random.next() % UInt64(max(height, 1))),
                w: Int(random.next() % UInt64(max(width / 4, 2))) + 4,
                h: Int(random.next() % UInt64(max(height / 4, 2))) + 4,
                colour: (0..<4).map { _ in Double(random.next() % 256) / 255 }
            )
        }
        let maximum = bits == 16 ? 65535.0 : 255.0
        for y in 0..<height {
            for x in 0..<width {
                let fx = Double(x) / Double(max(width - 1, 1))
                let fy = Double(y) / Double(max(height - 1, 1))
                var value = [
                    0.5 + 0.4 * sin(fx * 9 + phase) * cos(fy * 5),
                    fx * 0.8 + 0.1,
                    fy * 0.7 + 0.2 * sin((fx + fy) * 20 + phase),
                    0.9 - 0.3 * fx,
                ]
                for shape in shapes where x >= shape.x && x < shape.x + shape.w && y >= shape.y && y < shape.y + shape.h
                {
                    value = shape.colour
                }
                for c in 0..<channels {
                    // Bands past the fourth (multispectral files) are waves of their own.
                    let channelValue =
                        channels == 1 || (channels == 2 && c == 0)
                        ? (value[0] + value[1] + value[2]) / 3
                        : c < 4 ? value[c] : 0.5 + 0.45 * sin(fx * Double(3 + c) + fy * Double(c) + phase)
                    let sample = Int((min(max(channelValue, 0), 1) * maximum).rounded())
                    let index = (y * width + x) * channels + c
                    if bits == 16 {
                        pixels.bytes[index * 2] = UInt8(sample & 0xFF)
                        pixels.bytes[index * 2 + 1] = UInt8(sample >> 8)
                    } else {
                        pixels.bytes[index] = UInt8(sample)
                    }
                }
            }
        }
        return pixels
    }
}
