public import IIPModel

/// Plans Zoomify requests (iipsrv-reference §3.6): ImageProperties.xml and TileGroup tiles. Pure.
public final class ZoomifyPlanner: Sendable {
    let settings: ProtocolSettings

    /// Creates a planner.
    public init(settings: ProtocolSettings) {
        self.settings = settings
    }

    /// Plans `request` for the image it names.
    public func plan(_ request: ZoomifyRequest, image: ImageDescription) throws(ProtocolError) -> ImagePlan {
        let layout = ZoomifyLayout(image: image)
        switch request {
        case .properties:
            return .document(Document(.text(ZoomifyProperties.xml(layout)), mediaType: ZoomifyProperties.mediaType))
        case .tile(_, let level, let x, let y):
            let tile = try layout.tile(level: level, x: x, y: y)
            let rendering = Rendering(format: .jpeg, quality: settings.qualities.value(for: .jpeg, requested: nil))
            return .tile(TilePlan(resolution: tile.resolution, tile: tile.tile, rendering: rendering))
        }
    }
}
