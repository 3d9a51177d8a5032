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
    ///
    /// - Precondition: `bytes.count` is ``byteCount(width:height:channels:bitsPerSample:)`` (a programming error
    ///   otherwise: sizes from files and requests go through the throwing ``zeroed(width:height:channels:bitsPerSample:sampleFormat:maxBytes:)``
    ///   or are checked first).
    public init(
        width: Int, height: Int, channels: Int, bitsPerSample: Int = 8,
        sampleFormat: SampleFormat = .unsignedInteger, bytes: [UInt8]
    ) {
        precondition(
            Self.byteCount(width: width, height: height, channels: channels, bitsPerSample: bitsPerSample)
                == bytes.count,
            "pixel byte count mismatch")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitsPerSample = bitsPerSample
        self.sampleFormat = sampleFormat
        self.bytes = bytes
    }

    /// Creates a zero-filled buffer.
    ///
    /// - Precondition: the sizes are valid (see ``byteCount(width:height:channels:bitsPerSample:)``). Use
    ///   ``zeroed(width:height:channels:bitsPerSample:sampleFormat:maxBytes:)`` for sizes that come from a file or
    ///   a request: it throws instead.
    public init(
        width: Int, height: Int, channels: Int, bitsPerSample: Int = 8,
        sampleFormat: SampleFormat = .unsignedInteger
    ) {
        let count = Self.byteCount(width: width, height: height, channels: channels, bitsPerSample: bitsPerSample)
        precondition(count != nil, "invalid pixel buffer size \(width)x\(height)x\(channels)x\(bitsPerSample)")
        self.init(
            width: width, height: height, channels: channels, bitsPerSample: bitsPerSample,
            sampleFormat: sampleFormat, bytes: [UInt8](repeating: 0, count: count ?? 0))
    }

    /// A zero-filled buffer, or an error when the sizes are negative, overflow, or need more than `maxBytes`.
    ///
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for negative sizes or a sample size other than 8, 16 or 32
    ///   bits; ``ImagingError/tooLarge(_:)`` when the buffer would exceed `maxBytes` (or `Int.max`).
    public static func zeroed(
        width: Int, height: Int, channels: Int, bitsPerSample: Int = 8,
        sampleFormat: SampleFormat = .unsignedInteger, maxBytes: Int = ImageLimits.default.maxBufferBytes
    ) throws(ImagingError) -> PixelBuffer {
        let count = try checkedByteCount(
            width: width, height: height, channels: channels, bitsPerSample: bitsPerSample, maxBytes: maxBytes)
        return PixelBuffer(
            width: width, height: height, channels: channels, bitsPerSample: bitsPerSample,
            sampleFormat: sampleFormat, bytes: [UInt8](repeating: 0, count: count))
    }

    /// A buffer whose bytes the caller overwrites, every one, before anything reads them: skips the zero fill
    /// (a resize writes each output sample, and clearing megabytes first showed in profiles).
    ///
    /// - Throws: as ``zeroed(width:height:channels:bitsPerSample:sampleFormat:maxBytes:)``.
    static func overwritten(
        width: Int, height: Int, channels: Int, maxBytes: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void
    ) throws(ImagingError) -> PixelBuffer {
        let count = try checkedByteCount(
            width: width, height: height, channels: channels, bitsPerSample: 8, maxBytes: maxBytes)
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(buffer)
            initialized = count
        }
        return PixelBuffer(width: width, height: height, channels: channels, bytes: bytes)
    }

    /// `width * height * channels * bitsPerSample / 8`, or `nil` when a size is negative, the sample size is not
    /// 8, 16 or 32 bits, or the product overflows `Int`.
    public static func byteCount(width: Int, height: Int, channels: Int, bitsPerSample: Int) -> Int? {
        guard width >= 0, height >= 0, channels >= 0, isSupported(bitsPerSample: bitsPerSample) else { return nil }
        return Int.checkedProduct(width, height, channels, bitsPerSample / 8)
    }

    /// Whether buffers hold samples of this size: 8, 16 or 32 bits.
    static func isSupported(bitsPerSample: Int) -> Bool {
        bitsPerSample == 8 || bitsPerSample == 16 || bitsPerSample == 32
    }

    /// ``byteCount(width:height:channels:bitsPerSample:)`` as a typed error, also refusing more than `maxBytes`.
    static func checkedByteCount(
        width: Int, height: Int, channels: Int, bitsPerSample: Int, maxBytes: Int
    ) throws(ImagingError) -> Int {
        guard width >= 0, height >= 0, channels >= 0, isSupported(bitsPerSample: bitsPerSample) else {
            throw .invalidParameter("pixel buffer of \(width)x\(height)x\(channels) \(bitsPerSample)-bit samples")
        }
        guard
            let count = byteCount(width: width, height: height, channels: channels, bitsPerSample: bitsPerSample),
            count <= maxBytes
        else {
            throw .tooLarge(
                "a \(width)x\(height) buffer of \(channels)x\(bitsPerSample)-bit samples exceeds \(maxBytes) bytes")
        }
        return count
    }

    /// Whether the dimensions are valid and `bytes` holds exactly the samples they describe. The properties are
    /// public and mutable, so code that indexes the bytes directly checks this first.
    public var isConsistent: Bool {
        Self.byteCount(width: width, height: height, channels: channels, bitsPerSample: bitsPerSample) == bytes.count
    }

    /// Bytes per sample.
    public var bytesPerSample: Int { bitsPerSample / 8 }
    /// Bytes per pixel.
    public var bytesPerPixel: Int { channels &* bytesPerSample }
    /// Bytes per row.
    public var rowBytes: Int { width &* bytesPerPixel }
}
