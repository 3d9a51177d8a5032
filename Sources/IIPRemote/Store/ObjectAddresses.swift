/// Turns an image path on a remote store into the URL and headers of a request: for S3, the endpoint, bucket
/// addressing and Signature Version 4 (unless access is anonymous); for HTTP, the server and the path,
/// percent-encoded.
package struct ObjectAddresses: Sendable {
    /// A request ready to send.
    package struct Target: Sendable {
        /// The URL, path percent-encoded.
        package var url: String
        /// The headers: those given, and for S3 the signature's.
        package var headers: [(String, String)]
    }

    private enum Store: Sendable {
        case s3(endpoint: AWSEndpoint, bucket: String, virtualHost: Bool, signer: SignatureV4?)
        case http(scheme: String, hostHeader: String)
    }

    private let store: Store
    /// The prefix the paths begin with.
    package let prefix: RemotePrefix

    /// Addresses for `prefix`.
    ///
    /// - Parameters:
    ///   - aws: For an S3 prefix, the resolved AWS settings: credentials (or anonymous access), region, endpoint
    ///     (`nil`: AWS's own, `s3.<region>.amazonaws.com` over HTTPS).
    ///   - addressing: Path or virtual-host style; automatic is virtual-host on AWS, path style elsewhere.
    package init(prefix: RemotePrefix, aws: AWSConfiguration?, addressing: RemoteStoreConfiguration.Addressing) {
        self.prefix = prefix
        switch prefix.kind {
        case .s3(let bucket):
            let region = aws?.region ?? AWSConfiguration.defaultRegion
            let custom = aws?.endpoint
            let endpoint = custom ?? AWSEndpoint(scheme: "https", host: "s3.\(region).amazonaws.com")
            let virtualHost: Bool
            switch addressing {
            case .path: virtualHost = false
            case .virtual: virtualHost = true
            case .automatic: virtualHost = custom == nil && !bucket.contains(".")
            }
            var signer: SignatureV4?
            if case .signed(let credentials) = aws?.access {
                signer = SignatureV4(credentials: credentials, region: region)
            }
            store = .s3(endpoint: endpoint, bucket: bucket, virtualHost: virtualHost, signer: signer)
        case .http(let scheme, let host, let port):
            let defaultPort = scheme == "https" ? 443 : 80
            store = .http(scheme: scheme, hostHeader: port == nil || port == defaultPort ? host : "\(host):\(port!)")
        }
    }

    /// The request for `method` on the object at `path`, which begins with the prefix, with `headers` (a Range),
    /// signed at `now` (seconds since 1970) for S3.
    package func request(method: String, path: String, headers: [(name: String, value: String)], now: Int64)
        -> Target
    {
        let name = path.hasPrefix(prefix.text) ? String(path.dropFirst(prefix.text.count)) : path
        switch store {
        case .s3(let endpoint, let bucket, let virtualHost, let signer):
            let key = prefix.keyPrefix + name
            let host = virtualHost ? "\(bucket).\(endpoint.hostHeader)" : endpoint.hostHeader
            let objectPath = virtualHost ? "/" + key : "/\(bucket)/" + key
            let given = headers.map { ($0.name, $0.value) }
            guard let signer else {
                return Target(
                    url: "\(endpoint.scheme)://\(host)" + SignatureV4.uriEncode(objectPath, keepingSlash: true),
                    headers: given)
            }
            let signed = signer.sign(
                method: method, host: host, path: objectPath, headers: headers, secondsSince1970: now)
            return Target(
                url: "\(endpoint.scheme)://\(host)" + signed.target,
                headers: given + signed.headers.map { ($0.name, $0.value) })
        case .http(let scheme, let hostHeader):
            let objectPath = prefix.keyPrefix + name
            return Target(
                url: "\(scheme)://\(hostHeader)" + SignatureV4.uriEncode(objectPath, keepingSlash: true),
                headers: headers.map { ($0.name, $0.value) })
        }
    }
}
