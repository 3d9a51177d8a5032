/// How the server reads a remote store: its block cache, read-ahead, timeouts and retries (the REMOTE_ settings),
/// and for S3 the addressing style.
package struct RemoteStoreConfiguration: Sendable, Hashable {
    /// How S3 requests name the bucket.
    package enum Addressing: String, Sendable, Hashable {
        /// Virtual-host style (`bucket.s3.region.amazonaws.com`) on AWS, path style on a custom endpoint.
        case automatic = "auto"
        /// `https://endpoint/bucket/key`.
        case path
        /// `https://bucket.endpoint/key`.
        case virtual
    }

    /// The size of the blocks ranges are fetched and cached in, in bytes (REMOTE_BLOCK_SIZE).
    package var blockSize = 64 << 10
    /// The most the block cache holds, in bytes, shared by every object and request (REMOTE_CACHE_SIZE).
    package var cacheBytes = 128 << 20
    /// What the first read of an object's start fetches at least, in bytes, so that its header, directories and
    /// tile offset arrays come in one request (REMOTE_READ_AHEAD).
    package var readAhead = 256 << 10
    /// The longest one request to the store may take, connection included (REMOTE_TIMEOUT).
    package var timeout: Duration = .seconds(10)
    /// The longest a connection to the store may take to open.
    package var connectTimeout: Duration = .seconds(3)
    /// Retries of a request that failed to connect, timed out or got a 5xx answer, with a backoff doubling from
    /// 50 ms (REMOTE_RETRIES).
    package var retries = 2
    /// Connections kept open to the store (HTTP keep-alive), per host (REMOTE_CONNECTIONS).
    package var connectionsPerHost = 32
    /// S3 addressing (S3_ADDRESSING).
    package var addressing = Addressing.automatic

    /// The defaults.
    package init() {}
}
