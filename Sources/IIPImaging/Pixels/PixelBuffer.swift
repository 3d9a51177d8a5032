public import IIPModel

/// Decoded pixels: interleaved samples, row-major, top row first, no padding between rows.
///
/// Samples wider than 8 bits are stored in the machine's byte order.
public struct PixelBuffer: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Samples per pixel.
    public var channels: Int
    /// Bits per sample: 8, 16 or 32.
    public var bitsPerSample: Int
    /// How samples are encoded.
    public var sampleFormat: SampleFormat
    /// The samples, `width * height * channels * bitsPerSample / 8` bytes.
    public var bytes: [UInt8]

    /// Creates a buffer over existing bytes.
    public init(
        width: Int, height: Int, channels: Int, bitsPerSample: Int = 8,
        sampleFormat: SampleFormat = .unsignedInteger, bytes: [UInt8]
    ) {
        precondition(bytes.count == width * height * channels * bitsPerSample / 8, "pixel byte count mismatch")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitsPerSample = bitsPerSample
        self.sampleFormat = sampleFormat
        self.bytes = bytes
    }

    /// Creates a zero-filled buffer.
    public init(
        width: Int, height: Int, channels: Int, bitsPerSample: Int = 8,
        sampleFormat: SampleFormat = .unsignedInteger
    ) {
        self.init(
            width: width, height: height, channels: channels, bitsPerSample: bitsPerSample,
            sampleFormat: sampleFormat,
            bytes: [UInt8](repeating: 0, count: width * height * channels * bitsPerSample / 8))
    }

    /// Bytes per sample.
    public var bytesPerSample: Int { bitsPerSample / 8 }
    /// Bytes per pixel.
    public var bytesPerPixel: Int { channels * bytesPerSample }
    /// Bytes per row.
    public var rowBytes: Int { width * bytesPerPixel }
}
