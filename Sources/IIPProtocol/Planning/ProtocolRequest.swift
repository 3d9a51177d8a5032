/// A request read into its protocol's terms, before the image it names is opened.
public enum ProtocolRequest: Sendable {
    /// IIP: the request string and its commands, in order.
    case iip(requestString: String, items: [IIPRequestItem])
    /// IIIF: the parsed request, the raw (percent-encoded) argument its ids are built from, and the version
    /// answered.
    case iiif(IIIFRequest, rawArgument: String, version: IIIFVersion, negotiated: Bool)
    /// DeepZoom.
    case deepZoom(DeepZoomRequest)
    /// Zoomify.
    case zoomify(ZoomifyRequest)

    /// The image the request needs opened (as requested, before FILESYSTEM_PREFIX), or `nil` when it can be
    /// answered without one.
    ///
    /// IIP: the last FIF before the first malformed command, so a request that fails on syntax before naming an
    /// image is answered without opening anything, as iipsrv runs commands left to right (iipsrv-reference §1.4).
    /// IIIF: the identifier without its page part (IIIF_DELIMITER); none for the base-URI redirect.
    public func imagePath(delimiter: String) -> String? {
        switch self {
        case .iip(_, let items):
            var path: String?
            for item in items {
                switch item {
                case .malformed: return path
                case .command(.fif(let name)): path = name
                default: continue
                }
            }
            return path
        case .iiif(let request, _, _, _):
            if case .baseRedirect = request { return nil }
            guard !delimiter.isEmpty else { return request.identifier }
            return IIIFRequestParser.splitPage(identifier: request.identifier, delimiter: delimiter).identifier
        case .deepZoom(let request): return request.path
        case .zoomify(let request): return request.path
        }
    }
}
