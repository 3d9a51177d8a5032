public import IIPModel

/// What a IIIF URL asks for (iipsrv-reference §4.2).
public enum IIIFRequest: Sendable, Hashable {
    /// The base URI `{identifier}` alone: answer 303 See Other to its info.json.
    case baseRedirect(identifier: String)
    /// `{identifier}/info.json`.
    case info(identifier: String)
    /// `{identifier}/{region}/{size}/{rotation}/{quality}.{format}`.
    case image(identifier: String, IIIFImageRequest)

    /// The decoded identifier, whatever the kind of request.
    public var identifier: String {
        switch self {
        case .baseRedirect(let identifier), .info(let identifier), .image(let identifier, _): identifier
        }
    }
}

/// The four parameters of an image request (IIIF 3.0 §4, iipsrv-reference §4.4).
public struct IIIFImageRequest: Sendable, Hashable {
    /// Which part of the full image.
    public var region: IIIFRegion
    /// How large the output is.
    public var size: IIIFSize
    /// Mirroring and clockwise rotation.
    public var rotation: IIIFRotation
    /// Colour treatment.
    public var quality: IIIFQuality
    /// Output encoding, named in the URL by its extension (`jpg`, `tif` ...; IIIF 3.0 §4.5).
    public var format: OutputFormat

    /// Creates a request.
    public init(
        region: IIIFRegion = .full, size: IIIFSize = IIIFSize(.max), rotation: IIIFRotation = IIIFRotation(),
        quality: IIIFQuality = .default, format: OutputFormat = .jpeg
    ) {
        self.region = region
        self.size = size
        self.rotation = rotation
        self.quality = quality
        self.format = format
    }
}

/// The region parameter (IIIF 3.0 §4.1).
public enum IIIFRegion: Sendable, Hashable {
    /// `full`: the whole image.
    case full
    /// `square`: the centred square whose side is the shorter dimension.
    case square
    /// `x,y,w,h` in full-resolution pixels.
    case pixels(x: Int, y: Int, width: Int, height: Int)
    /// `pct:x,y,w,h` in percent of the full image.
    case percent(x: Double, y: Double, width: Double, height: Double)
}

/// The size parameter (IIIF 3.0 §4.2, 2.1 §4.2).
public struct IIIFSize: Sendable, Hashable {
    /// The form of the size, without the `^` prefix.
    public enum Kind: Sendable, Hashable {
        /// `max` (and 2.1 `full`): the region as large as the limits allow, never upscaled.
        case max
        /// `w,`: this width, the height keeping the aspect ratio.
        case width(Int)
        /// `,h`: this height, the width keeping the aspect ratio.
        case height(Int)
        /// `pct:n`: n percent of the region.
        case percent(Double)
        /// `w,h`: exactly this size, possibly distorted.
        case exact(width: Int, height: Int)
        /// `!w,h`: the largest size inside this box that keeps the aspect ratio.
        case confined(width: Int, height: Int)
    }

    /// The form.
    public var kind: Kind
    /// Whether the request had the 3.0 `^` prefix that allows upscaling.
    public var upscaling: Bool

    /// Creates a size.
    public init(_ kind: Kind, upscaling: Bool = false) {
        self.kind = kind
        self.upscaling = upscaling
    }
}

/// The rotation parameter: an optional `!` (mirror first) and clockwise degrees 0...360 (IIIF 3.0 §4.3).
public struct IIIFRotation: Sendable, Hashable {
    /// Clockwise angle in degrees, 0...360.
    public var degrees: Double
    /// Whether the image is mirrored horizontally before rotating.
    public var mirrored: Bool

    /// Creates a rotation.
    public init(degrees: Double = 0, mirrored: Bool = false) {
        self.degrees = degrees
        self.mirrored = mirrored
    }
}

/// The quality parameter (IIIF 3.0 §4.4) and iipsrv's IIIF_EXTENSIONS qualities (iipsrv-reference §4.4).
///
/// 2.1's `native` is read as `default` and iipsrv's `grey` as `gray`.
public enum IIIFQuality: String, Sendable, Hashable, CaseIterable {
    /// The image as it is.
    case `default`
    /// All colour information (the same pixels as `default`).
    case color
    /// Greyscale.
    case gray
    /// Black and white.
    case bitonal
    /// Extension: contrast stretch (IIP `CNT=st`).
    case stretch
    /// Extension: negative (IIP `INV`).
    case negative
    /// Extension: histogram equalisation (IIP `CNT=eq`).
    case equalization
    /// Extension: logarithmic gamma (IIP `GAM=log`).
    case log

    /// Whether this is one of iipsrv's non-standard extension qualities.
    public var isExtension: Bool {
        switch self {
        case .default, .color, .gray, .bitonal: false
        case .stretch, .negative, .equalization, .log: true
        }
    }

    /// The extension qualities in the order iipsrv lists them in info.json.
    public static let extensions: [IIIFQuality] = [.negative, .stretch, .equalization, .log]
}
