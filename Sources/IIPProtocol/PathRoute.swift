/// The path-style protocol routes: `/iiif/{identifier}/...`, `/deepzoom/{path}.dzi` and `/deepzoom/{path}_files/...`,
/// `/zoomify/{path}/...`. The route segment may follow a prefix (`/images/iiif/...`), so a server mounted below
/// a path works behind a proxy without URI_MAP.
public enum PathRoute: Sendable, Hashable {
    /// IIIF, with the raw (still percent-encoded) part after `/iiif/`.
    case iiif(rawArgument: String)
    /// DeepZoom, with the part after `/deepzoom/`, URL-decoded once.
    case deepZoom(argument: String)
    /// Zoomify, with the part after `/zoomify/`, URL-decoded once.
    case zoomify(argument: String)

    /// Recognises a request path (without its query), or returns `nil` for paths without a route segment.
    public init?(path: String) {
        if let range = ASCIISearch.firstRange(of: "/iiif/", in: path) {
            let rest = String(path[range.upperBound...])
            guard !rest.isEmpty else { return nil }
            self = .iiif(rawArgument: rest)
        } else if let range = ASCIISearch.firstRange(of: "/deepzoom/", in: path) {
            let rest = String(path[range.upperBound...])
            guard !rest.isEmpty else { return nil }
            self = .deepZoom(argument: IIPURLDecoding.decode(rest).value)
        } else if let range = ASCIISearch.firstRange(of: "/zoomify/", in: path) {
            let rest = String(path[range.upperBound...])
            guard !rest.isEmpty else { return nil }
            self = .zoomify(argument: IIPURLDecoding.decode(rest).value)
        } else {
            return nil
        }
    }
}
