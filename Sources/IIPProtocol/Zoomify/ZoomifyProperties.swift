/// ImageProperties.xml (iipsrv-reference §3.6).
public enum ZoomifyProperties {
    /// The media type of the properties.
    public static let mediaType = "application/xml"

    /// The body exactly as iipsrv master writes it, with no XML declaration:
    /// `<IMAGE_PROPERTIES WIDTH="1000" HEIGHT="700" NUMTILES="17" NUMIMAGES="1" VERSION="1.8" TILESIZE="256"/>`.
    public static func xml(width: Int, height: Int, numTiles: Int, tileSize: Int) -> String {
        "<IMAGE_PROPERTIES WIDTH=\"\(width)\" HEIGHT=\"\(height)\" NUMTILES=\"\(numTiles)\" NUMIMAGES=\"1\" "
            + "VERSION=\"1.8\" TILESIZE=\"\(tileSize)\"/>"
    }

    /// The body for a layout.
    public static func xml(_ layout: ZoomifyLayout) -> String {
        xml(
            width: layout.image.width, height: layout.image.height, numTiles: layout.numTiles, tileSize: layout.tileSize
        )
    }
}
