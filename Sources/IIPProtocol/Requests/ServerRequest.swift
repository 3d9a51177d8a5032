/// A request as the pipeline sees it, whichever frontend (HTTP or FastCGI) received it.
///
/// Frontends fill in only what the protocols use; the pipeline never sees a socket or a framework type.
public struct ServerRequest: Sendable {
    /// The HTTP method.
    public enum Method: Sendable, Hashable {
        /// GET.
        case get
        /// HEAD: answered like GET, without the body.
        case head
        /// POST: a form-encoded request string in the body.
        case post
        /// OPTIONS: a CORS pre-flight.
        case options
        /// Anything else, answered 405.
        case other(String)

        /// Recognises a method name, case-sensitively as HTTP requires.
        public init(_ name: String) {
            switch name {
            case "GET": self = .get
            case "HEAD": self = .head
            case "POST": self = .post
            case "OPTIONS": self = .options
            default: self = .other(name)
            }
        }
    }

    /// The HTTP method.
    public var method: Method
    /// The path of the request URI as received (still percent-encoded), without the query.
    public var path: String
    /// The query string as received, without the `?`.
    public var query: String
    /// The request body (a POSTed request string).
    public var body: [UInt8]
    /// The Host header (or HTTP_HOST).
    public var host: String?
    /// Whether the client connection is HTTPS (FastCGI's HTTPS variable).
    public var isHTTPS: Bool
    /// If-Modified-Since.
    public var ifModifiedSince: String?
    /// Accept.
    public var accept: String?
    /// X-IIIF-ID, which replaces the IIIF id (iipsrv-reference §4.3).
    public var iiifID: String?
    /// X-Forwarded-Proto.
    public var forwardedProto: String?
    /// X-Forwarded-Host.
    public var forwardedHost: String?
    /// If-None-Match: entity tags of copies the client holds.
    public var ifNoneMatch: String?
    /// W3C Trace Context `traceparent`: the caller's trace, which this request's trace continues.
    public var traceParent: String?
    /// W3C Trace Context `tracestate`.
    public var traceState: String?

    /// Creates a request.
    public init(
        method: Method = .get, path: String = "/", query: String = "", body: [UInt8] = [], host: String? = nil,
        isHTTPS: Bool = false, ifModifiedSince: String? = nil, accept: String? = nil, iiifID: String? = nil,
        forwardedProto: String? = nil, forwardedHost: String? = nil, ifNoneMatch: String? = nil,
        traceParent: String? = nil, traceState: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.host = host
        self.isHTTPS = isHTTPS
        self.ifModifiedSince = ifModifiedSince
        self.accept = accept
        self.iiifID = iiifID
        self.forwardedProto = forwardedProto
        self.forwardedHost = forwardedHost
        self.ifNoneMatch = ifNoneMatch
        self.traceParent = traceParent
        self.traceState = traceState
    }
}
