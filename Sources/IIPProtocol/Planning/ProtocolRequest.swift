/// A request read into its protocol's terms, before the images it names are opened.
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
}
