public import IIPModel

/// Parses the path of a IIIF request (iipsrv-reference §1.3, §4.2, §4.4; IIIF 3.0 §2-§4, 2.1 §2-§4).
///
/// The input is the raw, still percent-encoded path after the service prefix, for example
/// `abc%2Fdef.tif/full/max/0/default.jpg`, `abc/info.json` or `abc`.
///
/// - A path with no raw `/` (after one trailing `/` is removed) is the base URI,
///   ``IIIFRequest/baseRedirect(identifier:)``. So `a%2Fb.tif` redirects, which iipsrv cannot do (issue #266).
/// - A last segment of exactly `info.json` asks for the image information.
/// - Otherwise the identifier is everything before the fourth `/` from the right, and the last four segments are
///   region, size, rotation and quality.format, each percent-decoded once and lower-cased as iipsrv does. A path
///   with more segments keeps the extra ones in the identifier (which then usually names no file: 404).
/// - Anything from the first raw `?` is ignored, as iipsrv drops a query from the quality segment.
///
/// The identifier is percent-decoded twice, because iipsrv decodes the IIIF argument and FIF decodes the path
/// again (`%252F` becomes `/`, issue #238), and then every `../` is removed repeatedly, as FIF does.
///
/// Identifiers with characters that clients must escape but sent unescaped (`[`, `]`, `@`; the validator's
/// `id_error_unescaped`) are not rejected: they are looked up as file names like any other, which gives 404 for
/// the validator's `[frob]` and keeps working for browsers that leave `[` and `]` unescaped in paths.
///
/// Numbers follow the spec strictly: integers are ASCII digits only; decimals are digits with at most one `.`;
/// no signs, exponents, spaces or trailing text. Missing format: 400 in 3.0 (the spec requires one), `jpg` in
/// 2.1 as iipsrv does.
public struct IIIFRequestParser: Sendable, Hashable {
    /// The formats the server can write; any other gives 400.
    public var formats: Set<OutputFormat>
    /// IIIF_EXTENSIONS: accept the qualities `stretch`, `negative`, `equalization` and `log`.
    public var extensions: Bool

    /// Creates a parser.
    public init(formats: Set<OutputFormat> = [.jpeg, .png], extensions: Bool = false) {
        self.formats = formats
        self.extensions = extensions
    }

    /// The largest integer accepted in a region or size (larger values are 400, not an overflow).
    public static let integerLimit = Int(Int32.max)

    /// Parses a raw request path.
    public func parse(_ path: String, version: IIIFVersion) throws(ProtocolError) -> IIIFRequest {
        // Splitting works on bytes: every separator is ASCII, so the byte indices are valid String indices.
        var raw = Substring(path)
        if let query = raw.utf8.firstIndex(of: UInt8(ascii: "?")) { raw = raw[..<query] }
        if raw.utf8.last == UInt8(ascii: "/") { raw = raw[..<raw.utf8.index(before: raw.utf8.endIndex)] }
        guard !raw.isEmpty else { throw .badRequest("IIIF: missing identifier") }

        guard let lastSlash = raw.utf8.lastIndex(of: UInt8(ascii: "/")) else {
            return .baseRedirect(identifier: try Self.identifier(raw))
        }
        if raw.utf8[raw.utf8.index(after: lastSlash)...].elementsEqual("info.json".utf8) {
            return .info(identifier: try Self.identifier(raw[..<lastSlash]))
        }

        var segments: [Substring] = []
        segments.reserveCapacity(4)
        var end = raw.endIndex
        while segments.count < 4 {
            guard let slash = raw.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) else {
                throw .badRequest(
                    "IIIF: Query has too few parameters. IIIF syntax is "
                        + "{identifier}/{region}/{size}/{rotation}/{quality}{.format}")
            }
            segments.append(raw[raw.utf8.index(after: slash)..<end])
            end = slash
        }
        let identifier = try Self.identifier(raw[..<end])
        let image = try parseImage(
            region: segments[3], size: segments[2], rotation: segments[1], qualityAndFormat: segments[0],
            version: version)
        return .image(identifier: identifier, image)
    }

    /// Parses the four raw image parameters (each is percent-decoded once and lower-cased here).
    public func parseImage(
        region: some StringProtocol, size: some StringProtocol, rotation: some StringProtocol,
        qualityAndFormat: some StringProtocol, version: IIIFVersion
    ) throws(ProtocolError) -> IIIFImageRequest {
        let decodedRegion = Self.decodedParameter(region)
        let decodedSize = Self.decodedParameter(size)
        let decodedRotation = Self.decodedParameter(rotation)
        let last = Self.decodedParameter(qualityAndFormat)
        let qualityText: String
        let format: OutputFormat
        if let dot = last.lastIndex(of: ".") {
            qualityText = String(last[..<dot])
            format = try self.format(String(last[last.index(after: dot)...]))
        } else if version == .v2 {
            qualityText = last
            format = try self.format("jpg")
        } else {
            throw .badRequest("IIIF: missing output format: \(last)")
        }
        return IIIFImageRequest(
            region: try Self.region(decodedRegion),
            size: try Self.size(decodedSize, version: version),
            rotation: try Self.rotation(decodedRotation),
            quality: try quality(qualityText, version: version),
            format: format)
    }

    // MARK: - Identifier

    /// Decodes a raw identifier twice and removes every `../`; an empty result is 400.
    public static func identifier(_ raw: some StringProtocol) throws(ProtocolError) -> String {
        let path = IIPRequestParser.imagePath(IIPURLDecoding.decode(raw).value)
        guard !path.isEmpty else { throw .badRequest("IIIF: missing identifier") }
        return path
    }

    /// Splits a page or stack index off an identifier with IIIF_DELIMITER (iipsrv-reference §4.2).
    ///
    /// `image.tif,5` with delimiter `,` gives `("image.tif", 5)`. Differences from iipsrv, on purpose: the index must
    /// be a non-negative decimal integer (otherwise the identifier is returned whole, where iipsrv's `atoi` would
    /// read page 0 and cut the name), and a delimiter of several characters is skipped whole.
    public static func splitPage(identifier: String, delimiter: String) -> (identifier: String, page: Int?) {
        guard !delimiter.isEmpty, let range = identifier.ranges(of: delimiter).last else {
            return (identifier, nil)
        }
        let suffix = identifier[range.upperBound...]
        guard let page = integer(suffix) else { return (identifier, nil) }
        return (String(identifier[..<range.lowerBound]), page)
    }

    // MARK: - Parameters

    /// Parses a decoded region parameter.
    public static func region(_ text: String) throws(ProtocolError) -> IIIFRegion {
        switch text {
        case "full": return .full
        case "square": return .square
        default: break
        }
        if text.hasPrefix("pct:") {
            let values = text.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false).map(decimal)
            guard values.count == 4, let x = values[0], let y = values[1], let w = values[2], let h = values[3] else {
                throw .badRequest("IIIF: incorrect region format: \(text)")
            }
            return .percent(x: x, y: y, width: w, height: h)
        }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map(integer)
        guard values.count == 4, let x = values[0], let y = values[1], let w = values[2], let h = values[3] else {
            throw .badRequest("IIIF: incorrect region format: \(text)")
        }
        return .pixels(x: x, y: y, width: w, height: h)
    }

    /// Parses a decoded size parameter for `version` (3.0 `^` forms; 2.1 `full` and no `^`).
    public static func size(_ text: String, version: IIIFVersion) throws(ProtocolError) -> IIIFSize {
        var rest = Substring(text)
        let upscaling = rest.hasPrefix("^")
        if upscaling {
            guard version == .v3 else { throw .badRequest("IIIF: invalid size: \(text)") }
            rest = rest.dropFirst()
        }
        if rest == "max" || (rest == "full" && version == .v2) { return IIIFSize(.max, upscaling: upscaling) }
        if rest.hasPrefix("pct:") {
            guard let percent = decimal(rest.dropFirst(4)), percent > 0 else {
                throw .badRequest("IIIF: invalid size: \(text)")
            }
            if version == .v3, !upscaling, percent > 100 {
                throw .badRequest("IIIF: upscaling should be prefixed with ^: \(text)")
            }
            return IIIFSize(.percent(percent), upscaling: upscaling)
        }
        let confined = rest.hasPrefix("!")
        if confined { rest = rest.dropFirst() }
        let parts = rest.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .badRequest("IIIF: invalid size: \(text)") }
        let width = parts[0].isEmpty ? nil : try positive(parts[0], in: text)
        let height = parts[1].isEmpty ? nil : try positive(parts[1], in: text)
        switch (width, height) {
        case (let width?, let height?):
            return IIIFSize(
                confined ? .confined(width: width, height: height) : .exact(width: width, height: height),
                upscaling: upscaling)
        case (let width?, nil) where !confined: return IIIFSize(.width(width), upscaling: upscaling)
        case (nil, let height?) where !confined: return IIIFSize(.height(height), upscaling: upscaling)
        default: throw .badRequest("IIIF: invalid size: \(text)")
        }
    }

    /// Parses a decoded rotation parameter: an optional `!` and a decimal from 0 to 360.
    public static func rotation(_ text: String) throws(ProtocolError) -> IIIFRotation {
        let mirrored = text.hasPrefix("!")
        guard let degrees = decimal(mirrored ? text.dropFirst() : Substring(text)), degrees <= 360 else {
            throw .badRequest("IIIF: invalid rotation: \(text)")
        }
        return IIIFRotation(degrees: degrees, mirrored: mirrored)
    }

    /// Parses a decoded quality for `version`, with the extension qualities when ``extensions`` is on.
    public func quality(_ text: String, version: IIIFVersion) throws(ProtocolError) -> IIIFQuality {
        switch text {
        case "native" where version == .v2: return .default
        case "grey" where version == .v2: return .gray
        default: break
        }
        guard let quality = IIIFQuality(rawValue: text), !quality.isExtension || extensions else {
            throw .badRequest("IIIF: unsupported quality parameter: \(text)")
        }
        return quality
    }

    /// Parses a decoded format extension; formats not in ``formats`` are 400.
    public func format(_ text: String) throws(ProtocolError) -> OutputFormat {
        guard let format = OutputFormat(fileExtension: text), formats.contains(format) else {
            throw .badRequest("IIIF: unsupported output format: \(text)")
        }
        return format
    }

    // MARK: - Numbers

    /// ASCII digits only, at most ``integerLimit``.
    static func integer(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = Int(text), value <= integerLimit
        else { return nil }
        return value
    }

    /// ASCII digits with at most one `.` and at least one digit; finite.
    static func decimal(_ text: some StringProtocol) -> Double? {
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): dots += 1
            default: return nil
            }
        }
        guard digits > 0, dots <= 1, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func positive(_ text: Substring, in parameter: String) throws(ProtocolError) -> Int {
        guard let value = integer(text), value > 0 else { throw .badRequest("IIIF: invalid size: \(parameter)") }
        return value
    }

    private static func decodedParameter(_ raw: some StringProtocol) -> String {
        IIPURLDecoding.decode(raw).value.lowercased()
    }
}
