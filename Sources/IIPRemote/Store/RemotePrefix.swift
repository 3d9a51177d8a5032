/// FILESYSTEM_PREFIX naming a remote store: `s3://bucket/some/prefix/`, `http://host[:port]/path/` or
/// `https://host[:port]/path/`. Every image path is the prefix followed by the request's path, as with folders.
package struct RemotePrefix: Sendable, Hashable, CustomStringConvertible {
    /// Where the objects are.
    package enum Kind: Sendable, Hashable {
        /// A bucket of an S3-compatible store; object keys begin with ``RemotePrefix/keyPrefix``.
        case s3(bucket: String)
        /// An HTTP server honouring byte ranges.
        case http(scheme: String, host: String, port: Int?)
    }

    /// The store.
    package let kind: Kind
    /// The prefix as configured: every path that begins with it is on this store.
    package let text: String
    /// What follows the bucket (S3) or the host (HTTP), up to the image's path: `some/prefix/` or `/path/`.
    package let keyPrefix: String

    /// Parses `prefix`; `nil` when it is not a URL (a local folder).
    ///
    /// - Throws: ``RemoteStoreError/invalidPrefix(_:)`` for a URL this server cannot read from: another scheme,
    ///   no bucket or host, a port out of range, user information (credentials do not belong in a prefix), a
    ///   query or a fragment.
    package init?(_ prefix: String) throws(RemoteStoreError) {
        guard let schemeEnd = prefix.range(of: "://") else { return nil }
        let scheme = prefix[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "s3" || scheme == "http" || scheme == "https" else {
            guard scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) else {
                return nil
            }
            throw .invalidPrefix("\(scheme):// is not a store this server reads (s3, http, https)")
        }
        let rest = prefix[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        let path = String(rest.dropFirst(authority.count))
        guard !authority.isEmpty else {
            throw .invalidPrefix("\(scheme):// without a \(scheme == "s3" ? "bucket" : "host")")
        }
        guard !authority.contains("@") else {
            throw .invalidPrefix("credentials in FILESYSTEM_PREFIX: use the AWS_ variables")
        }
        guard !prefix.contains("?"), !prefix.contains("#") else {
            throw .invalidPrefix("a query or fragment in FILESYSTEM_PREFIX")
        }
        text = prefix
        if scheme == "s3" {
            guard authority.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." }),
                authority.count >= 3, authority.count <= 63
            else { throw .invalidPrefix("s3://\(authority) is not a valid bucket name") }
            kind = .s3(bucket: String(authority))
            keyPrefix = String(path.drop { $0 == "/" })
        } else {
            var host = String(authority)
            var port: Int?
            if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
                host = String(authority[..<colon])
                guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                    throw .invalidPrefix("\(authority) has no valid port")
                }
                port = number
            }
            guard !host.isEmpty else { throw .invalidPrefix("\(scheme):// without a host") }
            kind = .http(scheme: scheme, host: host, port: port)
            keyPrefix = path.isEmpty ? "/" : path
        }
    }

    /// The prefix, as configured (it holds no credentials).
    package var description: String { text }
}
