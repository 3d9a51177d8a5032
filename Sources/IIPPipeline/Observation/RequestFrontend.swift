/// The frontend a request arrived on: the `frontend` label of `iip_requests_total` and of access log lines.
public enum RequestFrontend: Int, Sendable, CaseIterable {
    /// The standalone HTTP frontend (`--http`).
    case http
    /// The FastCGI frontend (`--fcgi`), behind nginx, Apache or lighttpd.
    case fastCGI

    /// The label value.
    public var name: String {
        switch self {
        case .http: "http"
        case .fastCGI: "fastcgi"
        }
    }
}
