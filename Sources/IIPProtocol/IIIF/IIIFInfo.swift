public import IIPModel

/// One `tiles` entry of info.json: a tile size and the scale factors at which it is available.
public struct IIIFTileSet: Sendable, Hashable {
    /// Tile width in pixels.
    public var width: Int
    /// Tile height in pixels.
    public var height: Int
    /// Scale factors, ascending.
    public var scaleFactors: [Int]

    /// Creates an entry.
    public init(width: Int, height: Int, scaleFactors: [Int]) {
        self.width = width
        self.height = height
        self.scaleFactors = scaleFactors
    }
}

/// The info.json document (IIIF 3.0 §5, 2.1 §5, iipsrv-reference §4.3).
///
/// The layout follows iipsrv master (`"key" : value`, two-space indent, one object per line in `sizes` and `tiles`)
/// with the keys reordered and corrected for the spec and the validator:
///
/// - 3.0: `@context`, `id`, `type`, `protocol`, `profile` (`level2`), `width`, `height`, `maxWidth`, `maxHeight`,
///   `maxArea`, `sizes`, `tiles`, `preferredFormats`, `extraFormats`, `extraQualities`, `extraFeatures`, `rights`, IIIF_EXTRA_INFO,
///   `service`.
/// - 2.1: `@context`, `@id`, `protocol`, `width`, `height`, `sizes`, `tiles`, `profile` (the level 2 URI and an
///   object with `formats`, `qualities`, `supports`, `maxWidth`, `maxHeight`, `maxArea`), `license` or
///   `attribution`, IIIF_EXTRA_INFO, `service`.
///
/// `sizes` lists every level except the full one, smallest first (the full size alone for a one-level image),
/// leaving out sizes over the limits, which the spec forbids listing. `tiles` has one entry per distinct tile size,
/// with scale factors `round(fullWidth / levelWidth)` from the real level sizes (each factor once). Strings are
/// JSON-escaped (no `%%` as in iipsrv). The physdim `service` appears when the image has a resolution in inches or
/// centimetres: `physicalScale` is the size of one pixel in that unit. IIIF_EXTRA_INFO is inserted as given, minus
/// surrounding white space and a trailing comma.
public enum IIIFInfo {
    /// The info.json body for `image` under `id`.
    public static func json(
        version: IIIFVersion, image: ImageDescription, id: String, settings: IIIFInfoSettings
    ) -> String {
        var members: [String] = []
        let limits = settings.limits
        let maxSizes = maxSizeMembers(settings)
        switch version {
        case .v3:
            members.append(member("@context", string(version.contextURI)))
            members.append(member("id", string(id)))
            members.append(member("type", string("ImageService3")))
            members.append(member("protocol", string("http://iiif.io/api/image")))
            members.append(member("profile", string("level2")))
            members.append(member("width", "\(image.width)"))
            members.append(member("height", "\(image.height)"))
            members += maxSizes
            members += geometryMembers(image: image, limits: limits)
            if !settings.preferredFormats.isEmpty {
                members.append(member("preferredFormats", stringArray(settings.preferredFormats)))
            }
            let extraFormats = unique(settings.formats.filter { $0 != "jpg" && $0 != "png" })
            if !extraFormats.isEmpty { members.append(member("extraFormats", stringArray(extraFormats))) }
            members.append(member("extraQualities", stringArray(extraQualities(image: image, settings: settings))))
            members.append(member("extraFeatures", stringArray(settings.extraFeatures)))
            if let rights = settings.rights, isURI(rights) { members.append(member("rights", string(rights))) }
        case .v2:
            members.append(member("@context", string(version.contextURI)))
            members.append(member("@id", string(id)))
            members.append(member("protocol", string("http://iiif.io/api/image")))
            members.append(member("width", "\(image.width)"))
            members.append(member("height", "\(image.height)"))
            members += geometryMembers(image: image, limits: limits)
            var description = [
                member("formats", stringArray(unique(["jpg", "png"] + settings.formats))),
                member("qualities", stringArray(["default"] + extraQualities(image: image, settings: settings))),
                member("supports", stringArray(settings.supports)),
            ]
            description += maxSizes
            members.append(
                member(
                    "profile",
                    "[\n     \(string(version.profileURI)),\n     { "
                        + description.joined(separator: ",\n       ") + "\n     }\n  ]"))
            if let rights = settings.rights, !rights.isEmpty {
                members.append(member(isURI(rights) ? "license" : "attribution", string(rights)))
            }
        }
        if let extra = extraInfo(settings.extraInfo) { members.append(extra) }
        if let service = physicalDimensionsService(image.resolution, id: version == .v3 ? id : nil) {
            members.append(member("service", service))
        }
        return "{\n  " + members.joined(separator: ",\n  ") + "\n}"
    }

    /// The `sizes` entries: every level but the full one, smallest first, within the limits.
    public static func sizes(of image: ImageDescription, limits: IIIFLimits) -> [PixelRect] {
        let candidates = image.levels.count > 1 ? image.levels.dropLast() : image.levels[...]
        var result: [PixelRect] = []
        for level in candidates where limits.allows(width: level.width, height: level.height) {
            let size = PixelRect(x: 0, y: 0, width: level.width, height: level.height)
            if !result.contains(size) { result.append(size) }
        }
        return result
    }

    /// The `tiles` entries: one per distinct tile size, starting with the full resolution's.
    public static func tiles(of image: ImageDescription) -> [IIIFTileSet] {
        var sets: [IIIFTileSet] = []
        var used: Set<Int> = []
        for level in image.levels.reversed() where level.width > 0 && level.tileWidth > 0 && level.tileHeight > 0 {
            let factor = scaleFactor(of: level, fullWidth: image.width)
            guard used.insert(factor).inserted else { continue }
            if let index = sets.firstIndex(where: { $0.width == level.tileWidth && $0.height == level.tileHeight }) {
                sets[index].scaleFactors.append(factor)
            } else {
                sets.append(IIIFTileSet(width: level.tileWidth, height: level.tileHeight, scaleFactors: [factor]))
            }
        }
        for index in sets.indices { sets[index].scaleFactors.sort() }
        return sets
    }

    /// The scale factor info.json gives a level: `round(fullWidth / levelWidth)`, at least 1.
    public static func scaleFactor(of level: PyramidLevel, fullWidth: Int) -> Int {
        guard level.width > 0 else { return 1 }
        return max(1, Int.clamping(Double(fullWidth) / Double(level.width)))
    }

    /// The qualities beyond `default`: `color` for images with three or more channels, `gray`, `bitonal`, then
    /// the settings' extra ones.
    public static func extraQualities(image: ImageDescription, settings: IIIFInfoSettings) -> [String] {
        unique((image.channels >= 3 ? ["color"] : []) + ["gray", "bitonal"] + settings.qualities)
    }

    /// Whether `text` can be a `rights` value: an absolute http(s) URI without spaces, quotes or angle brackets.
    public static func isURI(_ text: String) -> Bool {
        let lower = text.lowercased()
        let prefix = lower.hasPrefix("https://") ? 8 : lower.hasPrefix("http://") ? 7 : 0
        guard prefix > 0, text.count > prefix else { return false }
        return !text.unicodeScalars.contains { $0.value <= 0x20 || "\"<>\\{}|^`".unicodeScalars.contains($0) }
    }

    // MARK: - Pieces

    private static func geometryMembers(image: ImageDescription, limits: IIIFLimits) -> [String] {
        var members: [String] = []
        let sizes = sizes(of: image, limits: limits)
        if !sizes.isEmpty {
            let items = sizes.map { "{ \"width\" : \($0.width), \"height\" : \($0.height) }" }
            members.append(member("sizes", objectArray(items)))
        }
        let tiles = tiles(of: image)
        if !tiles.isEmpty {
            let items = tiles.map {
                "{ \"width\" : \($0.width), \"height\" : \($0.height), \"scaleFactors\" : [ "
                    + $0.scaleFactors.map(String.init).joined(separator: ", ") + " ] }"
            }
            members.append(member("tiles", objectArray(items)))
        }
        return members
    }

    private static func maxSizeMembers(_ settings: IIIFInfoSettings) -> [String] {
        let limits = settings.limits
        var members: [String] = []
        if let width = limits.effectiveMaxWidth {
            members.append(member("maxWidth", "\(width)"))
            if let height = limits.effectiveMaxHeight { members.append(member("maxHeight", "\(height)")) }
        }
        if let area = limits.effectiveMaxArea { members.append(member("maxArea", "\(area)")) }
        return members
    }

    /// The physdim service; in 3.0 with the `id` and `type` every 3.0 service needs (an id inside this document,
    /// `<image id>#physdim`, and the type `PhysicalDimensions`), which the validator checks.
    private static func physicalDimensionsService(_ resolution: PhysicalResolution?, id: String?) -> String? {
        guard let resolution, resolution.x > 0, resolution.x.isFinite else { return nil }
        let units: String
        switch resolution.unit {
        case .inch: units = "in"
        case .centimetre: units = "cm"
        case .none: return nil
        }
        let identity = id.map { "\"id\" : \(string($0 + "#physdim")), \"type\" : \"PhysicalDimensions\", " } ?? ""
        let service =
            "{ \"@context\" : \"http://iiif.io/api/annex/services/physdim/1/context.json\", " + identity
            + "\"profile\" : \"http://iiif.io/api/annex/services/physdim\", "
            + "\"physicalScale\" : \(1 / resolution.x), \"physicalUnits\" : \"\(units)\" }"
        return objectArray([service])
    }

    private static func extraInfo(_ text: String?) -> String? {
        guard let text else { return nil }
        var trimmed = Substring(text)
        while let first = trimmed.first, first.isWhitespace { trimmed.removeFirst() }
        while let last = trimmed.last, last.isWhitespace || last == "," { trimmed.removeLast() }
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    private static func member(_ name: String, _ value: String) -> String {
        "\"\(name)\" : \(value)"
    }

    private static func string(_ value: String) -> String {
        "\"\(JSONEscaping.escape(value))\""
    }

    private static func stringArray(_ values: [String]) -> String {
        values.isEmpty ? "[]" : "[ " + values.map(string).joined(separator: ", ") + " ]"
    }

    private static func objectArray(_ items: [String]) -> String {
        "[\n     " + items.joined(separator: ",\n     ") + "\n  ]"
    }

    private static func unique(_ values: [String]) -> [String] {
        var result: [String] = []
        for value in values where !result.contains(value) { result.append(value) }
        return result
    }
}
