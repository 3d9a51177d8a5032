public import IIPModel

/// Plans DeepZoom requests (iipsrv-reference §3.7): the `.dzi` descriptor, and tiles from the pyramid where a
/// DeepZoom level is a pyramid level, or real downscales where it is not (below the smallest level). Pure.
public final class DeepZoomPlanner: Sendable {
    let settings: ProtocolSettings

    /// Creates a planner.
    public init(settings: ProtocolSettings) {
        self.settings = settings
    }

    /// The formats a tile's extension may ask for besides JPEG.
    static let tileFormats: Set<OutputFormat> = [.png, .webp, .avif, .jxl]

    /// Plans `request` for the image it names.
    public func plan(_ request: DeepZoomRequest, image: ImageDescription) throws(ProtocolError) -> ImagePlan {
        let layout = DeepZoomLayout(image: image)
        switch request {
        case .descriptor:
            let xml = DeepZoomDescriptor.xml(width: image.width, height: image.height, tileSize: layout.tileSize)
            return .document(Document(.text(xml), mediaType: DeepZoomDescriptor.xmlMediaType))
        case .tile(_, let level, let x, let y, let extensionName):
            // The tile's extension picks the format (png, webp, avif, jxl) when this build writes it; anything else
            // is JPEG, as in iipsrv.
            let format =
                OutputFormat(fileExtension: extensionName).flatMap {
                    Self.tileFormats.contains($0) && settings.formats.contains($0) ? $0 : nil
                } ?? .jpeg
            let rendering = Rendering(format: format, quality: settings.qualities.value(for: format, requested: nil))
            switch try layout.source(level: level, x: x, y: y) {
            case .pyramidTile(let resolution, let tile):
                return .tile(TilePlan(resolution: resolution, tile: tile, rendering: rendering))
            case .region(let fullRect, let width, let height):
                let export = RegionExportPlanner.plan(
                    image: image, fullRect: fullRect, outputWidth: width, outputHeight: height)
                return .region(RegionPlan(export: export, rendering: rendering, resampling: settings.resampling))
            }
        }
    }
}
