import Foundation
public import IIPModel

/// Formats OBJ answers exactly as iipsrv writes them (iipsrv-reference §3.1). Lines carry no CR LF here.
public enum IIPObjectFormatter {
    /// The protocol version announced by `OBJ=IIP,1.0`.
    public static let protocolVersion = "1.0"
    /// The server version of `OBJ=iip-server` (the IIP protocol revision iipsrv reports).
    public static let serverVersion = "3.65"
    /// The `iip-opt-comm` list, as iipsrv sends it.
    public static let optionalCommands = "CVT CNT QLT JTL JTLS WID HEI RGN MINMAX SHD CMP INV CTW"
    /// The `iip-opt-obj` list, as iipsrv sends it.
    public static let optionalObjects =
        "Horizontal-views Vertical-views Tile-size Bits-per-channel Min-Max-sample-values Resolutions"

    /// The body a response made only of `object` would have.
    public enum Answer: Sendable, Hashable {
        /// Lines of the `application/vnd.netfpx` text.
        case lines([String])
        /// Lines that switch the whole response to another media type (bare metadata values, JSON).
        case typedLines([String], mediaType: String)
    }

    /// Formats one object.
    ///
    /// - Parameters:
    ///   - object: The object asked for.
    ///   - image: The open image; may be `nil` only for objects with `needsImage == false`.
    ///   - rotation: The ROT setting in force (max-size swaps its axes for 90 and 270 degrees).
    public static func answer(
        _ object: IIPObject, image: ImageDescription?, rotation: Rotation = .none
    ) -> Answer {
        guard let image else {
            switch object {
            case .protocolVersion: return .lines(["IIP:\(protocolVersion)"])
            case .serverVersion: return .lines(["IIP-server:\(serverVersion)"])
            case .optionalCommands: return .lines(["IIP-opt-comm:\(optionalCommands)"])
            case .optionalObjects: return .lines(["IIP-opt-obj:\(optionalObjects)"])
            default: return .lines([])
            }
        }
        switch object {
        case .protocolVersion, .serverVersion, .optionalCommands, .optionalObjects:
            return answer(object, image: nil)
        case .maxSize:
            let (w, h) = rotation.swapsAxes ? (image.height, image.width) : (image.width, image.height)
            return .lines(["Max-size:\(w) \(h)"])
        case .tileSize:
            return .lines(["Tile-size:\(image.fullLevel.tileWidth) \(image.fullLevel.tileHeight)"])
        case .resolutionNumber:
            return .lines(["Resolution-number:\(image.resolutionCount)"])
        case .bitsPerChannel:
            return .lines(["Bits-per-channel:\(image.bitsPerSample)"])
        case .verticalViews:
            return .lines(["Vertical-views:" + image.verticalViews.map(String.init).joined(separator: " ")])
        case .horizontalViews:
            return .lines(["Horizontal-views:" + image.horizontalViews.map(String.init).joined(separator: " ")])
        case .minMaxSampleValues:
            return .lines([minMaxLine(image)])
        case .resolutions:
            return .lines(["Resolutions:" + image.levels.map { "\($0.width) \($0.height)" }.joined(separator: ",")])
        case .colorspace:
            return .lines([colorspaceLine(image)])
        case .basicInfo:
            let (w, h) = rotation.swapsAxes ? (image.height, image.width) : (image.width, image.height)
            return .lines([
                "IIP-server:\(serverVersion)", "Max-size:\(w) \(h)",
                "Resolution-number:\(image.resolutionCount)", colorspaceLine(image),
            ])
        case .dpi:
            guard let resolution = image.resolution, resolution.unit != .none else { return .lines([]) }
            let perMetre = resolution.pixelsPerMetre
            return .lines([String(format: "DPI:%f %f", perMetre.x, perMetre.y)])
        case .stack:
            guard !image.stack.isEmpty else { return .lines([]) }
            return .typedLines([stackJSON(image.stack)], mediaType: "application/json")
        case .metadata:
            return .typedLines([metadataJSON(image.metadata)], mediaType: "application/json")
        case .summaryInfo:
            let fields: [LegacyMetadataField] = [.copyright, .subject, .author, .createDate, .applicationName]
            return .lines(fields.compactMap { legacyLine($0, image.metadata) })
        case .field(let field):
            guard let value = field.value(in: image.metadata), !value.isEmpty else { return .lines([]) }
            return .typedLines([value], mediaType: field == .xmp ? "application/xml" : "text/plain")
        case .legacyField(let field):
            return .lines(legacyLine(field, image.metadata).map { [$0] } ?? [])
        }
    }

    /// OBJ=stack as iipsrv master writes it: `[ ` then one tab-indented object per layer (id, name, scale as a
    /// 32-bit float in `%.9g`), comma-separated, then `\n]`.
    static func stackJSON(_ stack: [StackLayer]) -> String {
        let layers = stack.map { layer in
            "\n\t{\n\t\t\"id\": \(layer.index),\n\t\t\"name\": \"\(JSONEscaping.escape(layer.name))\",\n\t\t\"scale\": "
                + String(format: "%.9g", Double(Float(layer.scale))) + "\n\t}"
        }
        return "[ " + layers.joined(separator: ",") + "\n]"
    }

    /// `Min-Max-sample-values:` with each value written as `" %.9g "` and the last space removed.
    static func minMaxLine(_ image: ImageDescription) -> String {
        var text = ""
        for channel in 0..<max(image.channels, 0) {
            let low = channel < image.minValues.count ? image.minValues[channel] : 0
            let high = channel < image.maxValues.count ? image.maxValues[channel] : 0
            text += String(format: " %.9g  %.9g ", low, high)
        }
        if text.hasSuffix(" ") { text.removeLast() }
        return "Min-Max-sample-values:" + text
    }

    /// `Colorspace,0-<levels-1>,0:<calibrated> 0 <space> <planes> <plane indices>`: the colour planes only, 1 for
    /// grey and 3 otherwise, whatever alpha or extra bands the image has, as iipsrv 1.1 and master answer.
    static func colorspaceLine(_ image: ImageDescription) -> String {
        let calibrated = image.colorSpace == .cieLAB ? 1 : 0
        let planes = image.colorSpace.protocolCode == 1 ? "1 0" : "3 0 1 2"
        return "Colorspace,0-\(image.resolutionCount - 1),0:\(calibrated) 0 \(image.colorSpace.protocolCode) \(planes)"
    }

    static func legacyLine(_ field: LegacyMetadataField, _ metadata: ImageMetadata) -> String? {
        guard let value = field.value(in: metadata), !value.isEmpty else { return nil }
        return "\(field.rawValue)/\(value.utf8.count):\(value)"
    }

    /// Every non-empty field except XMP as a JSON object, keys sorted; values are escaped. The scale is written as
    /// `%g` writes it, as OBJ=scale answers it.
    static func metadataJSON(_ metadata: ImageMetadata) -> String {
        var named = metadata.namedFields
        if let scale = MetadataField.scale.value(in: metadata) { named.append(("scale", scale)) }
        let fields = named.sorted { $0.name < $1.name }
        guard !fields.isEmpty else { return "{\n}" }
        let members = fields.map { "\t\"\($0.name)\": \"\(JSONEscaping.escape($0.value))\"" }
        return "{\n" + members.joined(separator: ",\n") + "\n}"
    }
}
