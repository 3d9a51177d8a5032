public import IIPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open image that can describe itself and decode tiles.
///
/// Sources own C library handles that are stateful and not thread-safe, so a source is used by one thread
/// at a time; the pipeline lends each one to a single decode.
public protocol ImageSource: AnyObject {
    /// Sizes, tiles, samples and metadata.
    var description: ImageDescription { get }

    /// Decodes one tile, cropped at the image edges, with samples as stored.
    ///
    /// - Parameters:
    ///   - resolution: IIP resolution number, 0 = smallest.
    ///   - tile: Row-major tile index at that resolution.
    func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer

    /// The tile's stored JPEG as a standalone image, when it can be sent without decoding; `nil` otherwise.
    func storedJPEGTile(resolution: Int, tile: Int) throws(ImagingError) -> [UInt8]?
}

extension ImageSource {
    /// Sources without stored JPEG tiles never pass through.
    public func storedJPEGTile(resolution: Int, tile: Int) throws(ImagingError) -> [UInt8]? { nil }
}

extension PyramidTIFF: ImageSource {}

/// Opens image files as the right ``ImageSource`` for their format.
public enum ImageSourceOpener {
    /// Opens `path`, recognising the format from its first bytes (a blocking call), within the default
    /// ``ImageLimits``.
    public static func open(path: String) throws(ImagingError) -> any ImageSource {
        try open(path: path, limits: .default)
    }

    /// Opens `path`, recognising the format from its first bytes (a blocking call).
    ///
    /// - Parameter limits: What the file's header may ask for; see ``ImageLimits``.
    public static func open(path: String, limits: ImageLimits) throws(ImagingError) -> any ImageSource {
        guard let kind = try sniff(path) else { throw .unsupportedFormat("unrecognised file signature") }
        switch kind {
        case .tiff: return try PyramidTIFF(path: path, limits: limits)
        case .jpeg2000: throw .unsupportedFormat("JPEG2000")
        case .jpeg: throw .unsupportedFormat("JPEG")
        }
    }

    /// Reads the first bytes of `path` and recognises its container.
    public static func sniff(_ path: String) throws(ImagingError) -> ImageFileKind? {
        guard let file = fopen(path, "rb") else { throw .unreadable(path: path, reason: "cannot open") }
        defer { fclose(file) }
        var header = [UInt8](repeating: 0, count: 12)
        let count = fread(&header, 1, header.count, file)
        return ImageFileKind(header: header.prefix(count))
    }
}
