package import IIPProtocol

/// A strong entity tag (RFC 9110 §8.8.3) for an answer about one or more image files, and the If-None-Match test.
///
/// It is derived, without reading the answer, from what determines the answer's bytes: each image's identity
/// (path, inode, size, modification time in nanoseconds; not the device number, which NFS clients number
/// differently on each machine), the request as far as it selects or shapes the
/// answer (method class, path, query, POSTed request string, and the headers a protocol reads: Host, scheme,
/// forwarded host and scheme, X-IIIF-ID, Accept), and a fingerprint of the server's configuration. So it is cheap,
/// the same on every instance with the same configuration and files, and new when a file is replaced.
package struct EntityTag: Sendable, Hashable {
    /// The quoted tag, as sent in ETag.
    package let value: String

    /// The tag for `request` about `images` under the configuration `fingerprint`.
    package init(request: ServerRequest, images: [(path: String, status: FileStatus)], fingerprint: String) {
        var hash = StableHash()
        hash.combine(fingerprint)
        for (path, status) in images {
            hash.combine(path)
            hash.combine(status.inode)
            hash.combine(UInt64(bitPattern: status.size))
            hash.combine(UInt64(bitPattern: status.modified))
            if !status.version.isEmpty { hash.combine(status.version) }
        }
        // HEAD answers as GET does; POST carries its request string in the body.
        hash.combine(request.method == .post ? "POST" : "GET")
        hash.combine(request.path)
        hash.combine(request.query)
        hash.combine(request.body)
        hash.combine(CollectionOfOne(0xFF))
        for header in [
            request.host, request.isHTTPS ? "https" : "http", request.forwardedHost, request.forwardedProto,
            request.iiifID, request.accept,
        ] {
            hash.combine(header ?? "")
        }
        value = "\"" + hash.hex + "\""
    }

    /// Whether an If-None-Match value names this tag: `*`, or a list holding it (weak comparison, as RFC 9110
    /// §13.1.2 asks of If-None-Match, so a `W/` prefix added by a proxy still matches).
    package func matches(ifNoneMatch field: String) -> Bool {
        let trimmed = field.trimmingWhitespace
        if trimmed == "*" { return true }
        return field.split(separator: ",").contains { candidate in
            var tag = Substring(candidate.trimmingWhitespace)
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            return tag == value
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
