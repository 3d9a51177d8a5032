/// A DeepZoom request (iipsrv-reference §3.7).
///
/// `DeepZoom=<path>.dzi` asks for the descriptor; `DeepZoom=<path>_files/<L>/<x>_<y>.<ext>` for a tile, where the
/// path is everything before the last `_files/`. The argument is the command's value as the IIP parser hands it
/// over (URL-decoded once); the path returned is final: decoded again and with every `../` removed, as iipsrv's FIF
/// does to it. The tile extension is kept, lower-cased (`jpg` when missing), so that the server may honour `png`,
/// `webp`, `avif` or `jxl`; iipsrv always answers JPEG.
public enum DeepZoomRequest: Sendable, Hashable {
    /// The `.dzi` descriptor of the image at `path`.
    case descriptor(path: String)
    /// Tile `x`, `y` of DeepZoom level `level`.
    case tile(path: String, level: Int, x: Int, y: Int, format: String)

    /// Parses a DeepZoom argument.
    public static func parse(_ argument: String) throws(ProtocolError) -> DeepZoomRequest {
        if argument.hasSuffix(".dzi") {
            return .descriptor(path: try imagePath(argument.dropLast(4)))
        }
        guard let files = ASCIISearch.lastRange(of: "_files/", in: argument) else {
            throw ProtocolError(status: 400, message: "DeepZoom: malformed request: \(argument)")
        }
        let path = try imagePath(argument[..<files.lowerBound])
        let rest = argument[files.upperBound...]
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let level = number(parts[0]) else {
            throw ProtocolError(status: 400, message: "DeepZoom: malformed tile request: \(rest)")
        }
        var name = parts[1]
        var format = "jpg"
        if let dot = name.lastIndex(of: ".") {
            format = name[name.index(after: dot)...].lowercased()
            name = name[..<dot]
        }
        let coordinates = name.split(separator: "_", omittingEmptySubsequences: false)
        guard coordinates.count == 2, let x = number(coordinates[0]), let y = number(coordinates[1]), !format.isEmpty
        else {
            throw ProtocolError(status: 400, message: "DeepZoom: malformed tile request: \(rest)")
        }
        return .tile(path: path, level: level, x: x, y: y, format: format)
    }

    /// The image path, whatever the kind of request.
    public var path: String {
        switch self {
        case .descriptor(let path), .tile(let path, _, _, _, _): path
        }
    }

    private static func imagePath(_ text: Substring) throws(ProtocolError) -> String {
        let path = IIPRequestParser.imagePath(String(text))
        guard !path.isEmpty else { throw ProtocolError(status: 400, message: "DeepZoom: missing image path") }
        return path
    }

    /// ASCII digits only, within 32 bits.
    static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = Int(text), value <= Int(Int32.max)
        else { return nil }
        return value
    }
}
