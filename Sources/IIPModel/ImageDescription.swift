/// Everything a protocol needs to know about an image without reading its pixels.
///
/// Levels are stored smallest first, so `levels[r]` is IIP resolution number `r` and `levels.last` is the
/// full-resolution image (iipsrv-reference §2).
public struct ImageDescription: Sendable, Hashable {
    /// Resolution levels, smallest first.
    public var levels: [PyramidLevel]
    /// Samples per pixel.
    public var channels: Int
    /// Bits per sample in the file (1 to 32).
    public var bitsPerSample: Int
    /// How samples are encoded.
    public var sampleFormat: SampleFormat
    /// Colour space of the samples.
    public var colorSpace: ColorSpace
    /// Per-channel minimum sample values (TIFF SMinSampleValue or defaults).
    public var minValues: [Double]
    /// Per-channel maximum sample values (TIFF SMaxSampleValue or defaults).
    public var maxValues: [Double]
    /// Pixel density of the full-resolution image, when the file records one.
    public var resolution: PhysicalResolution?
    /// Descriptive text fields.
    public var metadata: ImageMetadata
    /// Horizontal sequence angles (or stack indices); `[0]` for a single image.
    public var horizontalViews: [Int]
    /// Vertical sequence angles; `[90]` for a single image.
    public var verticalViews: [Int]
    /// The embedded ICC profile, when the file has one.
    public var iccProfile: [UInt8]?
    /// The layers of a multi-page TIFF stack, in page order; empty for any other image. A stack's horizontal
    /// views are its layer indices.
    public var stack: [StackLayer] = []
    /// The EXIF block of a JPEG source (the APP1 payload after `Exif\0\0`), embedded again in exports.
    public var exif: [UInt8]?
    /// Size in bytes of the embedded ICC profile, 0 when there is none.
    public var iccProfileSize: Int { iccProfile?.count ?? 0 }

    /// Creates a description.
    public init(
        levels: [PyramidLevel],
        channels: Int,
        bitsPerSample: Int,
        sampleFormat: SampleFormat = .unsignedInteger,
        colorSpace: ColorSpace,
        minValues: [Double]? = nil,
        maxValues: [Double]? = nil,
        resolution: PhysicalResolution? = nil,
        metadata: ImageMetadata = ImageMetadata(),
        horizontalViews: [Int] = [0],
        verticalViews: [Int] = [90],
        iccProfile: [UInt8]? = nil
    ) {
        self.levels = levels
        self.channels = channels
        self.bitsPerSample = bitsPerSample
        self.sampleFormat = sampleFormat
        self.colorSpace = colorSpace
        let channelCount = max(channels, 0)
        self.minValues = minValues ?? Array(repeating: 0, count: channelCount)
        self.maxValues =
            maxValues
            ?? Array(repeating: Self.defaultMaximum(bits: bitsPerSample, format: sampleFormat), count: channelCount)
        self.resolution = resolution
        self.metadata = metadata
        self.horizontalViews = horizontalViews
        self.verticalViews = verticalViews
        self.iccProfile = iccProfile
    }

    /// Width of the full-resolution image.
    public var width: Int { levels.last?.width ?? 0 }
    /// Height of the full-resolution image.
    public var height: Int { levels.last?.height ?? 0 }
    /// Number of resolution levels.
    public var resolutionCount: Int { levels.count }
    /// The full-resolution level (an empty level when there is none).
    public var fullLevel: PyramidLevel {
        levels.last ?? PyramidLevel(width: 0, height: 0, tileWidth: 0, tileHeight: 0)
    }

    /// The maximum iipsrv assumes when the file does not say (iipsrv-reference §6.1).
    public static func defaultMaximum(bits: Int, format: SampleFormat) -> Double {
        if format == .floatingPoint { return 1.0 }
        switch bits {
        case ...8: return 255
        case 9...12: return 4095
        case 13...16: return 65535
        default: return 4_294_967_295
        }
    }
}
