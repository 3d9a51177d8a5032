import IIPImaging
import IIPModel
import IIPProtocol

/// The Plan stage for DeepZoom (iipsrv-reference §3.7): the `.dzi` descriptor, and tiles from the pyramid where a
/// DeepZoom level is a pyramid level, or real downscales where it is not (below the smallest level).
struct DeepZoomPlanner: Sendable {
    let opener: OpenStage
    let configuration: ServerConfiguration
    let responses: ResponseFactory

    /// Interprets one DeepZoom argument (URL-decoded once).
    func run(argument: String, request: ServerRequest) async -> Plan {
        let parsed: DeepZoomRequest
        do {
            parsed = try DeepZoomRequest.parse(argument)
        } catch {
            return .respond(responses.error(error))
        }
        let image: OpenImage
        switch await opener.run(path: parsed.path, request: request) {
        case .image(let opened): image = opened
        case .answer(let response): return .respond(response)
        }
        let description = image.description
        let layout = DeepZoomLayout(image: description)
        switch parsed {
        case .descriptor:
            let xml = DeepZoomDescriptor.xml(
                width: description.width, height: description.height, tileSize: layout.tileSize)
            return .respond(
                responses.content(
                    .init(string: xml), mediaType: DeepZoomDescriptor.xmlMediaType,
                    lastModified: image.status.modifiedSeconds))
        case .tile(_, let level, let x, let y, let extensionName):
            let format: EncodedFormat =
                switch extensionName {
                case "png": .png
                case "webp": .webp
                default: .jpeg
                }
            let quality = OutputQuality(configuration: configuration).value(for: format, requested: nil)
            do {
                switch try layout.source(level: level, x: x, y: y) {
                case .pyramidTile(let resolution, let tile):
                    return .tile(
                        TileJob(
                            image: image, resolution: resolution, tile: tile, format: format, quality: quality,
                            qualityIsDefault: true, processing: ImageProcessing(), angles: (0, 90)))
                case .region(let fullRect, let width, let height):
                    let plan = RegionExportPlanner.plan(
                        image: description, fullRect: fullRect, outputWidth: width, outputHeight: height)
                    var job = RegionJob(
                        image: image, plan: plan, format: format, quality: quality, compression: nil,
                        processing: ImageProcessing(),
                        interpolation: configuration.interpolation == 0 ? .nearest : .bilinear, angles: (0, 90))
                    job.disposition = false
                    return .region(job)
                }
            } catch {
                return .respond(responses.error(error))
            }
        }
    }
}
