import IIPImaging
import IIPModel
import IIPProtocol

/// The Plan stage for Zoomify (iipsrv-reference §3.6): ImageProperties.xml and TileGroup tiles.
struct ZoomifyPlanner: Sendable {
    let opener: OpenStage
    let configuration: ServerConfiguration
    let responses: ResponseFactory

    /// Interprets one Zoomify argument (URL-decoded once).
    func run(argument: String, request: ServerRequest) async -> Plan {
        let parsed: ZoomifyRequest
        do {
            parsed = try ZoomifyRequest.parse(argument)
        } catch {
            return .respond(responses.error(error))
        }
        let image: OpenImage
        switch await opener.run(path: parsed.path, request: request) {
        case .image(let opened): image = opened
        case .answer(let response): return .respond(response)
        }
        let layout = ZoomifyLayout(image: image.description)
        switch parsed {
        case .properties:
            return .respond(
                responses.content(
                    .init(string: ZoomifyProperties.xml(layout)), mediaType: ZoomifyProperties.mediaType,
                    lastModified: image.status.modifiedSeconds))
        case .tile(_, let level, let x, let y):
            do {
                let tile = try layout.tile(level: level, x: x, y: y)
                let quality = OutputQuality(configuration: configuration).value(for: .jpeg, requested: nil)
                return .tile(
                    TileJob(
                        image: image, resolution: tile.resolution, tile: tile.tile, format: .jpeg, quality: quality,
                        qualityIsDefault: true, processing: ImageProcessing(), angles: (0, 90)))
            } catch {
                return .respond(responses.error(error))
            }
        }
    }
}
