public import IIPProtocol

/// What a request asks for, before any image is opened.
public enum ParsedRequest: Sendable {
    /// An IIP request string and its parsed commands.
    case iip(requestString: String, items: [IIPRequestItem])
    /// No request string: the landing page.
    case landingPage
    /// Answered without parsing (CORS pre-flight, unsupported method, over-long request).
    case immediate(ServerResponse)
    /// A path-style protocol request (`/iiif/...`, `/deepzoom/...`, `/zoomify/...`).
    case route(PathRoute)
}

/// Stage 1, Parse: protocol text to typed commands (iipsrv-reference §1.2-1.4).
public struct ParseStage: Sendable {
    let maxQueryLength: Int
    let uriMap: URIMap?
    let responses: ResponseFactory

    /// Creates the stage.
    ///
    /// - Parameter uriMap: iipsrv's URI_MAP, which turns matching paths into request strings.
    public init(maxQueryLength: Int, uriMap: URIMap? = nil, responses: ResponseFactory) {
        self.maxQueryLength = maxQueryLength
        self.uriMap = uriMap
        self.responses = responses
    }

    /// Parses `request`.
    public func run(_ request: ServerRequest) -> ParsedRequest {
        // A mapped path is the request string, whatever the method (as iipsrv master).
        if let mapped = uriMap?.requestString(forPath: request.path) {
            guard mapped.utf8.count <= maxQueryLength else {
                return .immediate(responses.textError(status: 414, "request longer than \(maxQueryLength) bytes"))
            }
            return .iip(requestString: mapped, items: IIPRequestParser().parse(mapped))
        }
        switch request.method {
        case .options: return .immediate(responses.preflight())
        case .other: return .immediate(responses.methodNotAllowed())
        case .get, .head, .post: break
        }
        if let route = PathRoute(path: request.path) {
            guard request.path.utf8.count <= maxQueryLength else {
                return .immediate(responses.textError(status: 414, "request longer than \(maxQueryLength) bytes"))
            }
            return .route(route)
        }
        var requestString = request.query
        if requestString.isEmpty, request.method == .post, !request.body.isEmpty {
            requestString = String(decoding: request.body, as: UTF8.self)
        }
        guard requestString.utf8.count <= maxQueryLength else {
            return .immediate(responses.textError(status: 414, "request longer than \(maxQueryLength) bytes"))
        }
        guard !requestString.isEmpty else { return .landingPage }
        let items = IIPRequestParser().parse(requestString)
        return .iip(requestString: requestString, items: items)
    }
}
