/// A major version of the IIIF Image API (iipsrv-reference §4.1).
public enum IIIFVersion: Int, Sendable, Hashable, CaseIterable {
    /// Image API 2.1.
    case v2 = 2
    /// Image API 3.0.
    case v3 = 3

    /// The JSON-LD context of info.json, also used as the `profile` parameter of its media type.
    public var contextURI: String {
        switch self {
        case .v2: "http://iiif.io/api/image/2/context.json"
        case .v3: "http://iiif.io/api/image/3/context.json"
        }
    }

    /// The URI of the level 2 compliance profile, for `Link: <…>;rel="profile"` and the 2.1 `profile` array.
    public var profileURI: String {
        switch self {
        case .v2: "http://iiif.io/api/image/2/level2.json"
        case .v3: "http://iiif.io/api/image/3/level2.json"
        }
    }

    /// The Content-Type of info.json: `application/ld+json;profile="<context>"` (iipsrv master, IIIF 3.0 §5.1).
    public var infoMediaType: String {
        switch self {
        case .v2: #"application/ld+json;profile="http://iiif.io/api/image/2/context.json""#
        case .v3: #"application/ld+json;profile="http://iiif.io/api/image/3/context.json""#
        }
    }

    /// The `Link` value naming the compliance profile: `<profileURI>;rel="profile"`.
    public var profileLink: String {
        switch self {
        case .v2: #"<http://iiif.io/api/image/2/level2.json>;rel="profile""#
        case .v3: #"<http://iiif.io/api/image/3/level2.json>;rel="profile""#
        }
    }

    /// The version an `Accept` header asks for, or `fallback` when it names no known context.
    ///
    /// A header containing `http://iiif.io/api/image/N/context.json` selects version N; when it names several,
    /// the first one in the header wins (iipsrv-reference §4.1).
    public static func negotiated(accept: String?, default fallback: IIIFVersion) -> IIIFVersion {
        guard let accept, !accept.isEmpty else { return fallback }
        var best: (position: String.Index, version: IIIFVersion)?
        for version in allCases {
            guard let range = accept.firstRange(of: version.contextURI) else { continue }
            if best == nil || range.lowerBound < best!.position { best = (range.lowerBound, version) }
        }
        return best?.version ?? fallback
    }
}
