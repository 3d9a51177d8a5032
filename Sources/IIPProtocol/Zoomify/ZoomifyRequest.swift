/// A Zoomify request (iipsrv-reference §3.6).
///
/// `Zoomify=<path>/ImageProperties.xml` asks for the properties; `Zoomify=<path>/TileGroup<N>/<z>-<x>-<y>.jpg` for a
/// tile. The TileGroup number is ignored, as in iipsrv, and so is the extension (tiles are JPEG). The path is
/// everything before the last `/TileGroup` (iipsrv takes the first, which breaks paths containing that word). The
/// argument is the command's value as the IIP parser hands it over (URL-decoded once); the path returned is final:
/// decoded again and with every `../` removed, as iipsrv's FIF does to it.
public enum ZoomifyRequest: Sendable, Hashable {
    /// `ImageProperties.xml` of the image at `path`.
    case properties(path: String)
    /// Tile `x`, `y` of Zoomify level `level` (0 = smallest).
    case tile(path: String, level: Int, x: Int, y: Int)

    /// Parses a Zoomify argument.
    public static func parse(_ argument: String) throws(ProtocolError) -> ZoomifyRequest {
        if let slash = argument.lastIndex(of: "/"), argument[argument.index(after: slash)...] == "ImageProperties.xml" {
            return .properties(path: try imagePath(argument[..<slash]))
        }
        guard let group = ASCIISearch.lastRange(of: "/TileGroup", in: argument) else {
            throw ProtocolError(status: 400, message: "Zoomify: malformed request: \(argument)")
        }
        let path = try imagePath(argument[..<group.lowerBound])
        let rest = argument[group.upperBound...]
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ProtocolError(status: 400, message: "Zoomify: malformed tile: \(rest)") }
        var name = parts[1]
        if let dot = name.lastIndex(of: ".") { name = name[..<dot] }
        let numbers = name.split(separator: "-", omittingEmptySubsequences: false).map(number)
        guard numbers.count == 3, let level = numbers[0], let x = numbers[1], let y = numbers[2] else {
            throw ProtocolError(status: 400, message: "Zoomify: malformed tile: \(rest)")
        }
        return .tile(path: path, level: level, x: x, y: y)
    }

    /// The image path, whatever the kind of request.
    public var path: String {
        switch self {
        case .properties(let path), .tile(let path, _, _, _): path
        }
    }

    private static func imagePath(_ text: Substring) throws(ProtocolError) -> String {
        let path = IIPRequestParser.imagePath(String(text))
        guard !path.isEmpty else { throw ProtocolError(status: 400, message: "Zoomify: missing image path") }
        return path
    }

    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let value = Int(text), value <= Int(Int32.max)
        else { return nil }
        return value
    }
}
