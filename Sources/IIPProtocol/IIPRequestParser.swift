import IIPModel

/// Turns an IIP request string into typed commands, left to right (iipsrv-reference §1.3-1.4, §2).
///
/// Each command decodes its own argument: FIF, Zoomify, DeepZoom, CTW and CNV are URL-decoded here; IIIF keeps its
/// raw argument, which the IIIF parser splits before decoding; every other argument is read as it came. Numbers must be well formed: where iipsrv's `atoi` would silently
/// read `JTL=abc` as tile 0,0, this parser reports the token as malformed so the request gets a clear 400.
public struct IIPRequestParser: Sendable {
    /// Creates a parser.
    public init() {}

    /// Parses every token of `query`.
    public func parse(_ query: String) -> [IIPRequestItem] {
        IIPQueryToken.tokenize(query).map(parse(token:))
    }

    /// Parses one token.
    public func parse(token: IIPQueryToken) -> IIPRequestItem {
        let value = token.rawValue
        let command: IIPCommand?
        switch token.name {
        case "fif": command = .fif(Self.imagePath(value))
        case "qlt": command = Self.quality(value)
        case "sds": command = Self.sequence(value)
        case "minmax": command = Self.minMax(value)
        case "cnt": command = Self.contrast(value)
        case "gam": command = Self.gamma(value)
        case "wid": command = Self.nonNegative(value).map(IIPCommand.width)
        case "hei": command = Self.nonNegative(value).map(IIPCommand.height)
        case "rgn": command = Self.region(value)
        case "rot": command = Self.rotation(value)
        case "cmp": command = .colorMap(ColorMap(rawValue: value.lowercased()))
        case "inv": command = .invert
        case "shd":
            command = Self.integers(value, separators: [","], count: 2).map {
                .shade(LightDirection(horizontal: $0[0], vertical: $0[1]))
            }
        case "ctw": command = Self.colorTwist(IIPURLDecoding.decode(value).value)
        case "col": command = Self.colorConversion(value)
        case "lyr": command = Self.integer(value).map(IIPCommand.layers)
        case "cnv": command = Self.convolution(IIPURLDecoding.decode(value).value)
        case "icc": command = .icc
        case "obj": command = .object(value.lowercased())
        case "jtl": command = Self.tile(.jpeg, value)
        case "ptl": command = Self.tile(.png, value)
        case "wtl": command = Self.tile(.webp, value)
        case "atl": command = Self.tile(.avif, value)
        case "ttl": command = Self.tile(.tiff, value)
        case "jtls":
            command = Self.integers(value, separators: [","], count: 4, nonNegative: true).map {
                .legacyTile(x: $0[0], resolution: $0[1], tile: $0[2], y: $0[3])
            }
        case "til": command = Self.tiles(value)
        case "cvt": command = .convert(Self.outputFormat(value))
        case "spectra":
            command = Self.integers(value, separators: [","], count: 4, nonNegative: true).map {
                .spectra(resolution: $0[0], tile: $0[1], x: $0[2], y: $0[3])
            }
        case "pfl": command = Self.profile(value)
        case "zoomify": command = .zoomify(IIPURLDecoding.decode(value).value)
        case "deepzoom": command = .deepZoom(IIPURLDecoding.decode(value).value)
        case "iiif": command = .iiif(value)
        default: return .unsupported(name: token.name)
        }
        guard let command else { return .malformed(name: token.name, argument: value) }
        return .command(command)
    }

    // MARK: - Arguments

    /// Decodes a FIF path and removes every `../`, repeatedly, so that `....//` cannot rebuild one.
    public static func imagePath(_ raw: String) -> String {
        let path = IIPURLDecoding.decode(raw).value
        guard ASCIISearch.contains("../", in: path) else { return path }
        var bytes = Array(path.utf8)
        var removed = true
        while removed {
            removed = false
            var kept: [UInt8] = []
            kept.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if index + 2 < bytes.count, bytes[index] == UInt8(ascii: "."), bytes[index + 1] == UInt8(ascii: "."),
                    bytes[index + 2] == UInt8(ascii: "/")
                {
                    index += 3
                    removed = true
                } else {
                    kept.append(bytes[index])
                    index += 1
                }
            }
            bytes = kept
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The largest magnitude accepted for an integer argument.
    public static let integerLimit = Int(Int32.max)

    /// A decimal integer within ±``integerLimit``; anything else (hex, exponents, overflow, empty) is `nil`.
    static func integer(_ text: some StringProtocol) -> Int? {
        guard let value = Int(text), value >= -integerLimit, value <= integerLimit else { return nil }
        return value
    }

    static func nonNegative(_ text: some StringProtocol) -> Int? {
        integer(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// A decimal number (digits, sign, point, exponent), finite: `nan`, `inf` and overflowing values are `nil`.
    static func number(_ text: some StringProtocol) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }),
            let value = Double(text), value.isFinite
        else { return nil }
        return value
    }

    static func integers(
        _ text: String, separators: Set<Character>, count: Int, nonNegative: Bool = false
    ) -> [Int]? {
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: separators.contains)
        guard parts.count == count else { return nil }
        var values: [Int] = []
        for part in parts {
            guard let value = integer(part), !nonNegative || value >= 0 else { return nil }
            values.append(value)
        }
        return values
    }

    static func quality(_ text: String) -> IIPCommand? {
        if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].lowercased()
            guard !name.isEmpty, let value = integer(text[text.index(after: colon)...]) else { return nil }
            return .quality(value, compression: name)
        }
        return integer(text).map { .quality($0, compression: nil) }
    }

    static func sequence(_ text: String) -> IIPCommand? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let x = integer(parts[0]) else { return nil }
        if parts.count == 1 { return .sequence(x: x, y: nil) }
        guard let y = integer(parts[1]) else { return nil }
        return .sequence(x: x, y: y)
    }

    static func minMax(_ text: String) -> IIPCommand? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let channelText = text[..<colon]
        let bounds = text[text.index(after: colon)...].split(separator: ",", omittingEmptySubsequences: false)
        guard bounds.count == 2, let low = number(bounds[0]), let high = number(bounds[1]) else { return nil }
        if channelText == "-" { return .minMax(SampleRange(channel: nil, minimum: low, maximum: high)) }
        guard let channel = nonNegative(channelText) else { return nil }
        return .minMax(SampleRange(channel: channel, minimum: low, maximum: high))
    }

    static func contrast(_ text: String) -> IIPCommand? {
        switch text.lowercased() {
        case "st", "stretch": return .contrast(.stretch)
        case "eq", "equalization": return .contrast(.equalization)
        default: return number(text).map { .contrast(.factor($0)) }
        }
    }

    static func gamma(_ text: String) -> IIPCommand? {
        switch text.lowercased() {
        case "log", "logarithm": return .gamma(.logarithm)
        default: return number(text).map { .gamma(.exponent($0)) }
        }
    }

    static func region(_ text: String) -> IIPCommand? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var values: [Double] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            values.append(min(max(value, 0), 1))
        }
        guard values[2] > 0, values[3] > 0 else { return .region(nil) }
        return .region(NormalizedRegion(x: values[0], y: values[1], width: values[2], height: values[3]))
    }

    /// ROT: `[!]angle`, any finite angle, reduced to `0..<360` (so `ROT=-90` is `ROT=270` and `ROT=1e308` is a
    /// small angle that imaging can turn by, rather than one whose radians overflow to infinity).
    static func rotation(_ text: String) -> IIPCommand? {
        let mirrored = text.hasPrefix("!")
        guard let degrees = number(mirrored ? text.dropFirst() : Substring(text)) else { return nil }
        return .rotation(Rotation(degrees: Rotation.normalized(degrees), mirrored: mirrored))
    }

    static func colorTwist(_ text: String) -> IIPCommand? {
        guard text.hasPrefix("["), text.hasSuffix("]") else { return nil }
        var rows: [[Double]] = []
        for row in text.dropFirst().dropLast().split(separator: ";", omittingEmptySubsequences: false) {
            var coefficients: [Double] = []
            for item in row.split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = number(item.trimmingSpaces) else { return nil }
                coefficients.append(value)
            }
            rows.append(coefficients)
        }
        // A twist makes one output band per row from the input bands: at most 4 outputs (what an encoder takes) and
        // 256 inputs (the most bands a file may have), so a long matrix cannot make huge working buffers.
        guard !rows.isEmpty, rows.count <= 4, rows.allSatisfy({ $0.count <= 256 }) else { return nil }
        return .colorTwist(rows)
    }

    static func colorConversion(_ text: String) -> IIPCommand? {
        switch text.lowercased() {
        case "grey", "gray": .colorConversion(.grey)
        case "binary": .colorConversion(.binary)
        default: nil
        }
    }

    static func convolution(_ text: String) -> IIPCommand? {
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { return nil }
            var values: [Double] = []
            for item in text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
                guard let value = number(item.trimmingSpaces) else { return nil }
                values.append(value)
            }
            return ConvolutionKernel(coefficients: values).map(IIPCommand.convolution)
        }
        return ConvolutionKernel.named(text).map(IIPCommand.convolution)
    }

    static func tile(_ format: OutputFormat, _ text: String) -> IIPCommand? {
        integers(text, separators: [","], count: 2, nonNegative: true).map {
            .tile(format: format, resolution: $0[0], tile: $0[1])
        }
    }

    static func tiles(_ text: String) -> IIPCommand? {
        guard let comma = text.firstIndex(of: ","), let resolution = nonNegative(text[..<comma]) else { return nil }
        let range = text[text.index(after: comma)...].split(separator: "-", omittingEmptySubsequences: false)
        guard range.count == 1 || range.count == 2, let first = nonNegative(range[0]) else { return nil }
        guard range.count == 2 else { return .tiles(resolution: resolution, first: first, last: first) }
        guard let last = nonNegative(range[1]), last >= first else { return nil }
        return .tiles(resolution: resolution, first: first, last: last)
    }

    static func profile(_ text: String) -> IIPCommand? {
        guard let colon = text.firstIndex(of: ":"), let resolution = nonNegative(text[..<colon]) else { return nil }
        let points = text[text.index(after: colon)...].split(separator: "-", omittingEmptySubsequences: false)
        // One point, or a line from the first to the second (iipsrv-reference §3.5).
        guard points.count == 1 || points.count == 2,
            let start = integers(String(points[0]), separators: [","], count: 2, nonNegative: true),
            let end = points.count == 1
                ? start : integers(String(points[1]), separators: [","], count: 2, nonNegative: true)
        else { return nil }
        return .profile(resolution: resolution, x1: start[0], y1: start[1], x2: end[0], y2: end[1])
    }

    /// The CVT argument, lower-cased; anything unknown falls back to JPEG as in iipsrv.
    static func outputFormat(_ text: String) -> OutputFormat {
        switch text.lowercased() {
        case "png": .png
        case "webp": .webp
        case "avif": .avif
        case "jxl": .jxl
        case "tif", "tiff": .tiff
        default: .jpeg
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result.removeFirst() }
        while result.last == " " { result.removeLast() }
        return result
    }
}
