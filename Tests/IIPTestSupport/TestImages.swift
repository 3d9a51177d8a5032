import IIPModel

/// Image descriptions shared by the OBJ and CVT tests.
public enum TestImages {
    /// The reference image of iipsrv-reference §3.1: 1000x700 RGB 8-bit, 256x256 tiles, 3 levels.
    public static let rgb = ImageDescription(
        levels: [
            PyramidLevel(width: 250, height: 175, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 500, height: 350, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 1000, height: 700, tileWidth: 256, tileHeight: 256),
        ],
        channels: 3,
        bitsPerSample: 8,
        colorSpace: .sRGB
    )

    /// A portrait twin of `rgb`: 700x1000.
    public static let portrait = ImageDescription(
        levels: [
            PyramidLevel(width: 175, height: 250, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 350, height: 500, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 700, height: 1000, tileWidth: 256, tileHeight: 256),
        ],
        channels: 3,
        bitsPerSample: 8,
        colorSpace: .sRGB
    )

    /// A 16-bit grey image with a single level of 640x480 and 128x64 tiles.
    public static let grey16 = ImageDescription(
        levels: [PyramidLevel(width: 640, height: 480, tileWidth: 128, tileHeight: 64)],
        channels: 1,
        bitsPerSample: 16,
        colorSpace: .greyscale
    )

    /// `rgb` with a different colour space and channel count.
    public static func rgbLike(colorSpace: ColorSpace, channels: Int) -> ImageDescription {
        var image = rgb
        image.colorSpace = colorSpace
        image.channels = channels
        image.minValues = Array(repeating: 0, count: channels)
        image.maxValues = Array(repeating: 255, count: channels)
        return image
    }

    /// Every metadata field filled, including a quote, a newline and non-ASCII text.
    public static let metadata: ImageMetadata = {
        var metadata = ImageMetadata()
        metadata.rights = "© Test Owner"
        metadata.creator = "Ann Artist"
        metadata.description = "A \"quoted\" line\nsecond\tline"
        metadata.date = "2024:01:02 03:04:05"
        metadata.title = "Title"
        metadata.pageName = "Page 1"
        metadata.software = "vips 8.15"
        metadata.make = "Canon"
        metadata.model = "EOS R5"
        metadata.xmp = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>"
        return metadata
    }()

    /// `rgb` with every metadata field and 10 pixels per centimetre.
    public static let described: ImageDescription = {
        var image = rgb
        image.metadata = metadata
        image.resolution = PhysicalResolution(x: 10, y: 10, unit: .centimetre)
        return image
    }()

    /// Odd-sized five-level pyramid, levels rounded up on halving: 64x43 ... 1013x677.
    public static let odd = ImageDescription(
        levels: [
            PyramidLevel(width: 64, height: 43, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 127, height: 85, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 254, height: 170, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 507, height: 339, tileWidth: 256, tileHeight: 256),
            PyramidLevel(width: 1013, height: 677, tileWidth: 256, tileHeight: 256),
        ],
        channels: 3,
        bitsPerSample: 8,
        colorSpace: .sRGB
    )
}
