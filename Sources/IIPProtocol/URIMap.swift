/// iipsrv's URI_MAP: one `prefix=>protocol` mapping that turns a path into a request string (iipsrv-reference §1.2).
///
/// With `iiif=>IIIF`, `/iiif/a/b.tif/full/max/0/default.jpg` becomes `iiif=a/b.tif/full/max/0/default.jpg`.
/// An empty prefix maps every path. The protocol is IIP (mapped to `fif`), IIIF, Zoomify or DeepZoom,
/// case-insensitive. Unlike iipsrv, the prefix must be a whole path segment: `/iiifx/...` does not match `iiif`.
public struct URIMap: Sendable, Hashable {
    /// The first path segment that selects the mapping (may be empty).
    public var prefix: String
    /// The command the rest of the path becomes the argument of: `fif`, `iiif`, `zoomify` or `deepzoom`.
    public var command: String

    /// Parses a URI_MAP value, or returns `nil` when it is not `prefix=>protocol` with a known protocol.
    public init?(_ specification: String) {
        guard let arrow = specification.range(of: "=>") else { return nil }
        let prefix = specification[..<arrow.lowerBound].trimmingSlashesAndSpaces
        let name = specification[arrow.upperBound...].trimmingSlashesAndSpaces.lowercased()
        switch name {
        case "iip": command = "fif"
        case "iiif", "zoomify", "deepzoom": command = name
        default: return nil
        }
        self.prefix = String(prefix)
    }

    /// The request string for a request path (raw, without the query), or `nil` when the path is not mapped.
    public func requestString(forPath path: String) -> String? {
        var rest = Substring(path)
        if rest.hasPrefix("/") { rest = rest.dropFirst() }
        if !prefix.isEmpty {
            guard rest.hasPrefix(prefix) else { return nil }
            rest = rest.dropFirst(prefix.count)
            guard rest.isEmpty || rest.hasPrefix("/") else { return nil }
            rest = rest.drop { $0 == "/" }
        }
        guard !rest.isEmpty else { return nil }
        return "\(command)=\(rest)"
    }
}

extension Substring {
    fileprivate var trimmingSlashesAndSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "/" { result.removeFirst() }
        while let last = result.last, last == " " || last == "/" { result.removeLast() }
        return result
    }
}
