public import NIOCore

/// Settings of a ``FastCGIServer``.
public struct FastCGIServerConfiguration: Sendable {
    /// Where to listen.
    public var address: FastCGIAddress
    /// The listen backlog (iipsrv's default is 2048). Ignored for inherited sockets, which already listen.
    public var backlog: Int
    /// Permissions applied to a unix socket file after bind (`chmod`), or `nil` to keep the process umask.
    public var unixSocketMode: UInt16?
    /// The largest PARAMS stream (all CGI variables of one request) accepted; larger closes the connection.
    public var maxParamsBytes: Int
    /// The largest request body (STDIN stream) accepted; larger closes the connection.
    public var maxBodyBytes: Int
    /// Requests in flight (being received or answered) per connection. Past this, BEGIN_REQUEST is answered with
    /// END_REQUEST{OVERLOADED} and the rest of that request's records are ignored.
    public var maxRequestsPerConnection: Int
    /// Connections served at once. Connections accepted past this are closed immediately (and logged).
    /// Reported as `FCGI_MAX_CONNS` to GET_VALUES.
    public var maxConnections: Int
    /// How long a request may take to arrive, from its BEGIN_REQUEST to the end of its PARAMS and STDIN streams,
    /// and a new connection to send its first record; past it the connection is closed (`nil`: no limit).
    public var requestReadTimeout: TimeAmount?
    /// Requests worked on at once across all connections (``FastCGIRequestGate``); a request that arrives past it
    /// waits, without a task, until one is answered. `nil`: no bound here, every request starts at once.
    public var maxRequestsInFlight: Int?
    /// Requests that may wait for ``maxRequestsInFlight``; past it a request starts at once, outside that bound.
    public var maxRequestsWaiting: Int
    /// How long an answer may stay stalled on a peer that does not read (``WriteStallTimeoutHandler``); `nil`:
    /// no limit.
    public var writeTimeout: TimeAmount?

    /// Creates a configuration; every limit has a default suitable for nginx or Apache in front.
    public init(
        address: FastCGIAddress,
        backlog: Int = 2048,
        unixSocketMode: UInt16? = 0o660,
        maxParamsBytes: Int = 64 * 1024,
        maxBodyBytes: Int = 1 * 1024 * 1024,
        maxRequestsPerConnection: Int = 64,
        maxConnections: Int = 1024,
        requestReadTimeout: TimeAmount? = .seconds(30),
        writeTimeout: TimeAmount? = .seconds(30),
        maxRequestsInFlight: Int? = nil,
        maxRequestsWaiting: Int = 1024
    ) {
        self.address = address
        self.backlog = backlog
        self.unixSocketMode = unixSocketMode
        self.maxParamsBytes = maxParamsBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxRequestsPerConnection = maxRequestsPerConnection
        self.maxConnections = maxConnections
        self.requestReadTimeout = requestReadTimeout
        self.writeTimeout = writeTimeout
        self.maxRequestsInFlight = maxRequestsInFlight
        self.maxRequestsWaiting = maxRequestsWaiting
    }

    /// The answers to a GET_VALUES management query, by variable name.
    var managementValues: [String: String] {
        let (maxRequests, overflow) = maxConnections.multipliedReportingOverflow(by: maxRequestsPerConnection)
        return [
            "FCGI_MAX_CONNS": String(maxConnections),
            "FCGI_MAX_REQS": String(overflow ? Int.max : maxRequests),
            "FCGI_MPXS_CONNS": "1",
        ]
    }
}
