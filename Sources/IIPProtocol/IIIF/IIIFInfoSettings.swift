/// The server-wide inputs of info.json (iipsrv-reference §4.3, §9).
public struct IIIFInfoSettings: Sendable, Hashable {
    /// `maxWidth` (MAX_CVT), or `nil` for none.
    public var maxWidth: Int?
    /// `maxHeight` (MAX_CVT), or `nil` for none; written only together with `maxWidth`, as the spec requires.
    public var maxHeight: Int?
    /// `maxArea`, or `nil` for none.
    public var maxArea: Int?
    /// ALLOW_UPSCALING: adds `sizeUpscaling` (3.0) or `sizeAboveFull` (2.1).
    public var allowUpscaling: Bool
    /// Adds `rotationArbitrary`.
    public var arbitraryRotation: Bool
    /// Adds `canonicalLinkHeader` and `profileLinkHeader`: set it when image responses carry both Link headers.
    public var linkHeaders: Bool
    /// Formats beyond `jpg` and `png`, e.g. `["tif", "webp"]`.
    public var formats: [String]
    /// 3.0 `preferredFormats`, most preferred first; left out when empty.
    public var preferredFormats: [String]
    /// Qualities beyond `default`, `color`, `gray` and `bitonal`, e.g. the IIIF_EXTENSIONS ones.
    public var qualities: [String]
    /// More feature names for 3.0 `extraFeatures` and 2.1 `supports`.
    public var additionalFeatures: [String]
    /// The rights or COPYRIGHT value, if any: a URI becomes 3.0 `rights` or 2.1 `license`; other text becomes 2.1
    /// `attribution` and is left out of 3.0, where `rights` must be a URI.
    public var rights: String?
    /// IIIF_EXTRA_INFO: raw `"key" : value` text inserted verbatim as further members.
    public var extraInfo: String?

    /// Creates settings.
    public init(
        maxWidth: Int? = nil, maxHeight: Int? = nil, maxArea: Int? = nil, allowUpscaling: Bool = true,
        arbitraryRotation: Bool = false, linkHeaders: Bool = false, formats: [String] = [],
        preferredFormats: [String] = [], qualities: [String] = [],
        additionalFeatures: [String] = [], rights: String? = nil, extraInfo: String? = nil
    ) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxArea = maxArea
        self.allowUpscaling = allowUpscaling
        self.arbitraryRotation = arbitraryRotation
        self.linkHeaders = linkHeaders
        self.formats = formats
        self.preferredFormats = preferredFormats
        self.qualities = qualities
        self.additionalFeatures = additionalFeatures
        self.rights = rights
        self.extraInfo = extraInfo
    }

    /// The request limits these settings advertise.
    public var limits: IIIFLimits {
        IIIFLimits(
            maxWidth: maxWidth, maxHeight: maxHeight, maxArea: maxArea, allowUpscaling: allowUpscaling,
            allowArbitraryRotation: arbitraryRotation)
    }

    /// 3.0 `extraFeatures`: what this server supports beyond level 2.
    public var extraFeatures: [String] {
        var features = ["mirroring"]
        if arbitraryRotation { features.append("rotationArbitrary") }
        if allowUpscaling { features.append("sizeUpscaling") }
        if linkHeaders { features += ["canonicalLinkHeader", "profileLinkHeader"] }
        return Self.adding(additionalFeatures, to: features)
    }

    /// 2.1 `supports`: the features beyond the level 2 profile, named as 2.1 names them.
    public var supports: [String] {
        var features = ["regionSquare", "mirroring"]
        if allowUpscaling { features.append("sizeAboveFull") }
        if arbitraryRotation { features.append("rotationArbitrary") }
        if linkHeaders { features += ["canonicalLinkHeader", "profileLinkHeader"] }
        return Self.adding(additionalFeatures, to: features)
    }

    private static func adding(_ extra: [String], to features: [String]) -> [String] {
        var result = features
        for feature in extra where !result.contains(feature) { result.append(feature) }
        return result
    }
}
