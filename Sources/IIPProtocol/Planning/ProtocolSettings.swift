public import IIPModel

/// The server settings the protocols plan with: limits, defaults and what this build can write. Built once from
/// the configuration; planners only read it.
public struct ProtocolSettings: Sendable {
    /// The formats the server can encode.
    public var formats: Set<OutputFormat>
    /// Default encoder qualities per format.
    public var qualities: OutputQualities
    /// MAX_CVT: the largest export side; `nil` for no limit.
    public var maxCVT: Int?
    /// ALLOW_UPSCALING.
    public var allowUpscaling: Bool
    /// INTERPOLATION.
    public var resampling: Resampling
    /// MAX_TILE_RANGE: the most tiles one TIL request may ask for.
    public var maxTileRange: Int
    /// The longest request string or path, in bytes (414 past it).
    public var maxQueryLength: Int
    /// URI_MAP.
    public var uriMap: URIMap?
    /// IIIF_VERSION: the version answered when Accept does not choose one.
    public var iiifVersion: IIIFVersion
    /// IIIF_EXTENSIONS.
    public var iiifExtensions: Bool
    /// IIIF_PREFERRED_FORMATS as given; info.json lists those of them that IIIF requests can ask for.
    public var iiifPreferredFormats: [String]
    /// IIIF_DELIMITER: separates a page index from the identifier; empty for none.
    public var iiifDelimiter: String
    /// BASE_URL, or empty.
    public var baseURL: String
    /// COPYRIGHT: the rights of images that name none.
    public var copyright: String
    /// What info.json advertises, without `rights` (worked out once from the values above).
    public private(set) var iiifInfo: IIIFInfoSettings

    /// Creates settings; the defaults are iipsrv's.
    public init(
        formats: Set<OutputFormat> = [.jpeg, .png], qualities: OutputQualities = OutputQualities(),
        maxCVT: Int? = 5000, allowUpscaling: Bool = true, resampling: Resampling = .bilinear,
        maxTileRange: Int = 1024, maxQueryLength: Int = 8192, uriMap: URIMap? = nil,
        iiifVersion: IIIFVersion = .v3, iiifExtensions: Bool = false, iiifPreferredFormats: [String] = [],
        iiifDelimiter: String = "",
        iiifExtraInfo: String = "", baseURL: String = "", copyright: String = ""
    ) {
        self.formats = formats
        self.qualities = qualities
        self.maxCVT = maxCVT
        self.allowUpscaling = allowUpscaling
        self.resampling = resampling
        self.maxTileRange = maxTileRange
        self.maxQueryLength = maxQueryLength
        self.uriMap = uriMap
        self.iiifVersion = iiifVersion
        self.iiifExtensions = iiifExtensions
        self.iiifPreferredFormats = iiifPreferredFormats
        self.iiifDelimiter = iiifDelimiter
        self.baseURL = baseURL
        self.copyright = copyright
        let order: [OutputFormat] = [.tiff, .webp, .gif, .jp2, .pdf]
        let extra = order.filter(formats.contains).map(\.fileExtension)
        iiifInfo = IIIFInfoSettings(
            maxWidth: maxCVT, maxHeight: maxCVT, allowUpscaling: allowUpscaling, arbitraryRotation: true,
            linkHeaders: true, formats: extra,
            preferredFormats: Self.preferred(iiifPreferredFormats, writable: formats),
            qualities: iiifExtensions ? IIIFQuality.extensions.map(\.rawValue) : [], rights: nil,
            extraInfo: iiifExtraInfo.isEmpty ? nil : iiifExtraInfo)
    }

    /// The names in `names` that an IIIF request can ask for (a format this server writes, by its IIIF name), each
    /// once, in the given order.
    public static func preferred(_ names: [String], writable: Set<OutputFormat>) -> [String] {
        var result: [String] = []
        for name in names where !result.contains(name) {
            if let format = OutputFormat(fileExtension: name), writable.contains(format) { result.append(name) }
        }
        return result
    }

    /// The names in IIIF_PREFERRED_FORMATS that info.json leaves out, for the start-up log.
    public var unusablePreferredFormats: [String] {
        iiifPreferredFormats.filter { !iiifInfo.preferredFormats.contains($0) }
    }
}
