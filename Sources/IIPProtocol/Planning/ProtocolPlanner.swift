public import IIPModel

/// Every protocol's planner behind one function: (request, image description, settings) to a typed plan or a
/// typed protocol error. Pure; the pipeline opens the image first and executes the plan after.
public struct ProtocolPlanner: Sendable {
    let iip: IIPPlanner
    let iiif: IIIFPlanner
    let deepZoom: DeepZoomPlanner
    let zoomify: ZoomifyPlanner

    /// Creates the planners for `settings`.
    public init(settings: ProtocolSettings) {
        iip = IIPPlanner(settings: settings)
        iiif = IIIFPlanner(settings: settings)
        deepZoom = DeepZoomPlanner(settings: settings)
        zoomify = ZoomifyPlanner(settings: settings)
    }

    /// Plans `call`.
    ///
    /// - Parameters:
    ///   - image: The image named by ``ProtocolRequest/imagePath(delimiter:)``, opened, or `nil` when it names
    ///     none.
    ///   - request: The request as received, for values a protocol builds URLs from.
    public func plan(
        _ call: ProtocolRequest, image: ImageDescription?, request: ServerRequest
    ) throws(ProtocolError) -> ImagePlan {
        switch call {
        case .iip(let requestString, let items):
            return try iip.plan(requestString: requestString, items: items, image: image)
        case .iiif(let parsed, let rawArgument, let version, let negotiated):
            return try iiif.plan(
                parsed, rawArgument: rawArgument, version: version, negotiated: negotiated, image: image,
                request: request)
        case .deepZoom(let parsed):
            guard let image else { throw .notFound("DeepZoom: no image") }
            return try deepZoom.plan(parsed, image: image)
        case .zoomify(let parsed):
            guard let image else { throw .notFound("Zoomify: no image") }
            return try zoomify.plan(parsed, image: image)
        }
    }
}
