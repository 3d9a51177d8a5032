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
    /// The name of the program that wrote the file, e.g. `iipsrv-async/0.1.0`; empty for none.
    public var software: String

    /// Creates a set of metadata; everything is absent by default.
    public init(
        iccProfile: [UInt8]? = nil, xmp: String? = nil, density: PhysicalResolution? = nil,
        fields: ImageMetadata = ImageMetadata(), software: String = ""
    ) {
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
    var format: EncodedFormat { get }

    /// Encodes `pixels` with `metadata`.
    ///
    /// - Throws: ``ImagingError/encodeFailed(_:)`` when the pixels do not fit the format or the codec fails.
    func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8]
}

/// A format the encoders can write: the IIP and IIIF output formats plus GIF, JPEG 2000 and PDF.
public enum EncodedFormat: String, Sendable, Hashable, CaseIterable {
    /// Baseline JPEG.
    case jpeg
    /// PNG.
    case png
    /// WebP.
    case webp
    /// TIFF.
    case tiff
    /// GIF (8-bit palette).
    case gif
    /// JPEG 2000 in a JP2 container.
    case jp2
    /// A single-page PDF holding the image as JPEG.
    case pdf

    /// The corresponding encoded format, or `nil` for AVIF, which has no encoder here.
    public init?(_ output: OutputFormat) {
        switch output {
        case .jpeg: self = .jpeg
        case .png: self = .png
        case .webp: self = .webp
        case .tiff: self = .tiff
        case .avif: return nil
        }
    }

    /// The media type sent in Content-Type.
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .tiff: "image/tiff"
        case .gif: "image/gif"
        case .jp2: "image/jp2"
        case .pdf: "application/pdf"
        }
    }

    /// The usual file name extension, used in Content-Disposition.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .png: "png"
        case .webp: "webp"
        case .tiff: "tif"
        case .gif: "gif"
        case .jp2: "jp2"
        case .pdf: "pdf"
        }
    }

    /// The largest width or height the format (or the library that writes it) can hold: JPEG and PDF (a JPEG
    /// inside) 65,500 (libjpeg's JPEG_MAX_DIMENSION), WebP 16,383, GIF 65,535, PNG 1,000,000 (libpng's default
    /// user limit, checked on write too), JPEG 2000 2^24 (the bound set for our OpenJPEG output), TIFF 2^32-1; WebP 16,383 is libwebp's WEBP_MAX_DIMENSION. Larger outputs are refused before encoding,
    /// as a request error rather than an encoder failure. The encoders check the same numbers.
    public var maxSide: Int {
        switch self {
        case .jpeg, .pdf: 65500
        case .webp: 16383
        case .gif: 65535
        case .png: 1_000_000
        case .jp2: 1 << 24
        case .tiff: Int(UInt32.max)
        }
    }

    /// Whether the format keeps an alpha band (GIF as one transparent palette entry).
    public var supportsAlpha: Bool {
        switch self {
        case .png, .webp, .tiff, .gif: true
        case .jpeg, .jp2, .pdf: false
        }
    }
}

/// Makes the encoder for a format from the server's settings.
public enum ImageEncoders {
    /// The encoder for `format`.
    ///
    /// - Parameters:
    ///   - quality: The format's quality setting, `nil` for its default: JPEG and PDF 1-100 (75), PNG zlib level
    ///     0-9 (1), WebP -1 or 1-100 (50; below 1 means lossless), TIFF the compression's level or quality (1),
    ///     JPEG 2000 1-100 (`nil` means lossless). GIF has none.
    ///   - compression: TIFF only: the compression to use.
    public static func make(
        format: EncodedFormat, quality: Int? = nil, compression: TIFFOutputCompression = .deflate
    ) -> any ImageEncoder {
        switch format {
        case .jpeg: JPEGEncoder(quality: quality ?? 75)
        case .png: PNGEncoder(compressionLevel: quality ?? 1)
        case .webp: WebPEncoder(quality: quality ?? 50)
        case .tiff: TIFFEncoder(compression: compression, quality: quality ?? 1)
        case .gif: GIFEncoder()
        case .jp2: JPEG2000Encoder(quality: quality)
        case .pdf: PDFEncoder(jpegQuality: quality ?? 75)
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
