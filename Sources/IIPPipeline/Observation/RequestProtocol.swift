import IIPProtocol

/// What kind of request an answer was for: a bounded label for metrics, access log lines and traces (never an
/// image path or a query).
public enum RequestProtocol: Int, Sendable, CaseIterable {
    /// IIP (`FIF=...`).
    case iip
    /// IIIF Image API 2.
    case iiif2
    /// IIIF Image API 3.
    case iiif3
    /// DeepZoom.
    case deepZoom
    /// Zoomify.
    case zoomify
    /// The viewer page, its assets and image list.
    case viewer
    /// `/health`, `/ready` and `/metrics`.
    case admin
    /// Anything else: the landing page, pre-flights, requests no protocol reads.
    case other

    /// The label value.
    public var name: String {
        switch self {
        case .iip: "iip"
        case .iiif2: "iiif2"
        case .iiif3: "iiif3"
        case .deepZoom: "deepzoom"
        case .zoomify: "zoomify"
        case .viewer: "viewer"
        case .admin: "admin"
        case .other: "other"
        }
    }
}

extension RequestProtocol {
    /// The label of a protocol family.
    init(_ family: ProtocolFamily) {
        switch family {
        case .iip: self = .iip
        case .iiif(let version): self = version == .v2 ? .iiif2 : .iiif3
        case .deepZoom: self = .deepZoom
        case .zoomify: self = .zoomify
        }
    }
}
