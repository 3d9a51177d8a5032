/// The `.dzi` descriptor (iipsrv-reference §3.7).
public enum DeepZoomDescriptor {
    /// The media type of ``xml(width:height:tileSize:format:)``.
    public static let xmlMediaType = "application/xml"
    /// The media type of ``json(width:height:tileSize:format:)``.
    public static let jsonMediaType = "application/json"

    /// The XML descriptor exactly as iipsrv master writes it: one line, no XML declaration, Overlap 0.
    ///
    /// `<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" TileSize="256" Overlap="0" Format="jpg">`
    /// `<Size Width="1000" Height="700"/></Image>`
    public static func xml(width: Int, height: Int, tileSize: Int, format: String = "jpg") -> String {
        "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" TileSize=\"\(tileSize)\" Overlap=\"0\" "
            + "Format=\"\(escapedAttribute(format))\"><Size Width=\"\(width)\" Height=\"\(height)\"/></Image>"
    }

    /// The same descriptor in the JSON form OpenSeadragon also reads (not produced by iipsrv).
    public static func json(width: Int, height: Int, tileSize: Int, format: String = "jpg") -> String {
        "{\"Image\":{\"xmlns\":\"http://schemas.microsoft.com/deepzoom/2008\",\"Format\":\""
            + JSONEscaping.escape(format)
            + "\",\"Overlap\":0,\"TileSize\":\(tileSize),\"Size\":{\"Width\":\(width),\"Height\":\(height)}}}"
    }

    private static func escapedAttribute(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension DeepZoomLayout {
    /// The XML descriptor of this layout, with format `jpg`.
    public var descriptorXML: String {
        DeepZoomDescriptor.xml(width: image.width, height: image.height, tileSize: tileSize)
    }
}
