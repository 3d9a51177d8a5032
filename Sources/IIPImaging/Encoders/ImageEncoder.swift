public import IIPModel

/// What an encoder embeds besides the pixels (iipsrv-reference §6.6).
///
/// Each encoder writes what its format can hold and silently leaves out the rest: see the encoder's documentation.
public struct EncodingMetadata: Sendable, Hashable {
    /// The ICC profile to embed, when there is one.
    public var iccProfile: [UInt8]?
    /// The XMP packet to embed; when `nil`, `fields.xmp` is used instead.
    public var xmp: String?
    /// Pixel density of the output, already scaled to the output size by the caller.
    public var density: PhysicalResolution?
    /// Descriptive text: title, creator, rights, description, date and so on.
    public var fields: ImageMetadata
    /// An EXIF block (TIFF structure, without the `Exif\0\0` identifier) to embed: JPEG APP1, PNG eXIf, WebP
    /// EXIF, AVIF Exif item, JPEG XL Exif box.
    public var exif: [UInt8]?
    /// The name of the program that wrote the file, e.g. `iipsrv-async/0.1.0`; empty for none.
    public var software: String

    /// Creates a set of metadata; everything is absent by default.
    public init(
        iccProfile: [UInt8]? = nil, xmp: String? = nil, density: PhysicalResolution? = nil,
        fields: ImageMetadata = ImageMetadata(), software: String = "", exif: [UInt8]? = nil
    ) {
        self.exif = exif
        self.iccProfile = iccProfile
        self.xmp = xmp
        self.density = density
        self.fields = fields
        self.software = software
    }

    /// The XMP packet to write: ``xmp``, else the fields' XMP; `nil` when empty.
    var xmpPacket: String? {
        guard let packet = xmp ?? fields.xmp, !packet.isEmpty else { return nil }
        return packet
    }

    /// The ICC profile to write; `nil` when empty.
    var icc: [UInt8]? {
        guard let iccProfile, !iccProfile.isEmpty else { return nil }
        return iccProfile
    }

    /// A field value when present and non-empty.
    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// Turns pixels into the bytes of one file format.
///
/// Conforming types are stateless apart from their settings, and safe to use from many threads at once:
/// every call creates its own codec handles.
public protocol ImageEncoder: Sendable {
    /// The format written.
    var format: OutputFormat { get }

    /// Encodes `pixels` with `metadata`.
    ///
    /// - Throws: ``ImagingError/encodeFailed(_:)`` when the pixels do not fit the format or the codec fails.
    func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8]
}

/// Makes the encoder for a format from the server's settings.
public enum ImageEncoders {
    /// The formats this build can write: every one, AVIF only when libavif has an AV1 encoder.
    public static let writable: Set<OutputFormat> = Set(
        OutputFormat.allCases.filter { $0 != .avif || AVIFCodec.automatic.isAvailable })

    /// The encoder for `format`.
    ///
    /// - Parameters:
    ///   - quality: The format's quality setting, `nil` for its default: JPEG and PDF 1-100 (75), PNG zlib level
    ///     0-9 (1), WebP -1 or 1-100 (50; below 1 means lossless), AVIF -1 or 0-100 (50; below 0 means lossless),
    ///     JPEG XL -1 or 0-100 (75; below 0 means lossless), TIFF the compression's level or quality (1), JPEG 2000
    ///     1-100 (`nil` means lossless). GIF has none.
    ///   - compression: TIFF only: the compression to use.
    ///   - avifCodec: AVIF only: the AV1 encoder.
    /// - Returns: `nil` for a format this build has no encoder for (AVIF without an AV1 encoder in libavif).
    public static func make(
        format: OutputFormat, quality: Int? = nil, compression: TIFFOutputCompression = .deflate,
        avifCodec: AVIFCodec = .automatic
    ) -> (any ImageEncoder)? {
        switch format {
        case .jpeg: JPEGEncoder(quality: quality ?? 75)
        case .png: PNGEncoder(compressionLevel: quality ?? 1)
        case .webp: WebPEncoder(quality: quality ?? 50)
        case .tiff: TIFFEncoder(compression: compression, quality: quality ?? 1)
        case .gif: GIFEncoder()
        case .jp2: JPEG2000Encoder(quality: quality)
        case .pdf: PDFEncoder(jpegQuality: quality ?? 75)
        case .avif: writable.contains(.avif) ? AVIFEncoder(quality: quality ?? 50, codec: avifCodec) : nil
        case .jxl: JXLEncoder(quality: quality ?? 75)
        }
    }
}

extension PixelBuffer {
    /// Checks what every encoder needs: a non-empty image of unsigned samples, whose byte count matches.
    func validateForEncoding(
        _ name: String, bits: Set<Int>, channels: ClosedRange<Int>, maxSide: Int
    ) throws(ImagingError) {
        guard width > 0, height > 0 else {
            throw .encodeFailed("\(name) cannot hold an empty \(width)x\(height) image")
        }
        guard width <= maxSide, height <= maxSide else {
            throw .encodeFailed("\(name) cannot hold \(width)x\(height) (at most \(maxSide) per side)")
        }
        guard sampleFormat == .unsignedInteger, bits.contains(bitsPerSample) else {
            let allowed = bits.sorted().map(String.init).joined(separator: " or ")
            throw .encodeFailed(
                "\(name) needs \(allowed)-bit unsigned samples, got \(bitsPerSample)-bit \(sampleFormat)")
        }
        guard channels.contains(self.channels) else {
            throw .encodeFailed(
                "\(name) cannot hold \(self.channels) channels (\(channels.lowerBound)-\(channels.upperBound))")
        }
        guard isConsistent else {
            throw .encodeFailed("\(name): pixel byte count does not match \(width)x\(height)x\(self.channels)")
        }
    }

    /// The same pixels with only the given bands, in the given order (8-bit only).
    func selectingBands(_ bands: [Int]) -> PixelBuffer {
        precondition(bitsPerSample == 8)
        let count = width * height
        var output = [UInt8](repeating: 0, count: count * bands.count)
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for pixel in 0..<count {
                    for (index, band) in bands.enumerated() {
                        target[pixel * bands.count + index] = source[pixel * channels + band]
                    }
                }
            }
        }
        return PixelBuffer(width: width, height: height, channels: bands.count, bytes: output)
    }
}
