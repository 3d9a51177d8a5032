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
        for segment in ["iiif", "deepzoom", "zoomify"] {
            guard let range = path.utf8.firstRange(of: "/\(segment)/".utf8) else { continue }
            let rest = String(path[range.upperBound...])
            guard !rest.isEmpty else { return nil }
            switch segment {
            case "iiif": self = .iiif(rawArgument: rest)
            case "deepzoom": self = .deepZoom(argument: IIPURLDecoding.decode(rest).value)
            default: self = .zoomify(argument: IIPURLDecoding.decode(rest).value)
            }
            return
        }
        return nil
    }
}
