public import IIPModel

/// Every protocol's planner behind one function: (request, image description, settings) to a typed plan or a
/// typed protocol error. Pure; the pipeline opens the image first and executes the plan after.
public final class ProtocolPlanner: Sendable {
    let iip: IIPPlanner
    let iiif: IIIFPlanner
    let deepZoom: DeepZoomPlanner
    let zoomify: ZoomifyPlanner
    let reader: RequestReader

    /// Creates the planners for `settings`.
    public init(settings: ProtocolSettings) {
        reader = RequestReader(settings: settings)
        iip = IIPPlanner(settings: settings)
        iiif = IIIFPlanner(settings: settings)
        deepZoom = DeepZoomPlanner(settings: settings)
        zoomify = ZoomifyPlanner(settings: settings)
    }

    /// Plans `call`.
    ///
    /// - Parameters:
    ///   - request: The request as received, for values a protocol builds URLs from.
    ///   - images: The descriptions of the images ``RequestReader/imagePaths(of:request:)`` named, opened, by path.
    public func plan(
        _ call: ProtocolRequest, request: ServerRequest, images: (String) -> ImageDescription?
    ) throws(ProtocolError) -> PlannedRequest {
        switch call {
        case .iip(let requestString, let items):
            switch try iip.plan(requestString: requestString, items: items, request: request, images: images) {
            case .planned(let planned): return planned
            case .delegated(let embedded): return try plan(embedded, request: request, images: images)
            }
        case .iiif(let parsed, let rawArgument, let version, let negotiated):
            let path = reader.imagePath(of: call)
            let plan = try iiif.plan(
                parsed, rawArgument: rawArgument, version: version, negotiated: negotiated,
                image: path.flatMap(images), request: request)
            return PlannedRequest(plan, imagePath: path)
        case .deepZoom(let parsed):
            guard let image = images(parsed.path) else { throw .notFound("DeepZoom: no image") }
            return PlannedRequest(try deepZoom.plan(parsed, image: image), imagePath: parsed.path)
        case .zoomify(let parsed):
            guard let image = images(parsed.path) else { throw .notFound("Zoomify: no image") }
            return PlannedRequest(try zoomify.plan(parsed, image: image), imagePath: parsed.path)
        }
    }
}
