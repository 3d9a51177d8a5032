/// Which protocol a request speaks, as far as its path and query show: known even for a request that does not
/// parse, for the server's metrics and logs.
public enum ProtocolFamily: Sendable, Hashable {
    /// IIP commands (`FIF=...`), or a query no protocol reads.
    case iip
    /// IIIF, at the version answered.
    case iiif(IIIFVersion)
    /// DeepZoom.
    case deepZoom
    /// Zoomify.
    case zoomify
}

extension RequestReader {
    /// The protocol of a parsed call: an IIP request whose commands include a IIIF, DeepZoom or Zoomify command
    /// (`?IIIF=...`) speaks that protocol.
    public func family(of call: ProtocolRequest, request: ServerRequest) -> ProtocolFamily {
        switch call {
        case .iiif(_, _, let version, _): return .iiif(version)
        case .deepZoom: return .deepZoom
        case .zoomify: return .zoomify
        case .iip(_, let items):
            for item in items {
                guard case .command(let command) = item else { continue }
                switch command {
                case .iiif: return .iiif(IIIFVersion.negotiated(accept: request.accept, default: settings.iiifVersion))
                case .deepZoom: return .deepZoom
                case .zoomify: return .zoomify
                default: continue
                }
            }
            return .iip
        }
    }

    /// The protocol of a request that did not parse: its path route, or IIP for a query.
    public func family(ofUnreadable request: ServerRequest) -> ProtocolFamily {
        switch PathRoute(path: request.path) {
        case .iiif: .iiif(IIIFVersion.negotiated(accept: request.accept, default: settings.iiifVersion))
        case .deepZoom: .deepZoom
        case .zoomify: .zoomify
        case nil: .iip
        }
    }
}
