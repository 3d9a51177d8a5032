public import IIPProtocol

/// What a request asks for, before any image is opened.
public enum ParsedRequest: Sendable {
    /// An IIP request string and its parsed commands.
    case iip(requestString: String, items: [IIPRequestItem])
    /// No request string: the landing page.
    case landingPage
    /// Answered without parsing (CORS pre-flight, unsupported method, over-long request).
    case immediate(ServerResponse)
}

/// Stage 1, Parse: protocol text to typed commands (iipsrv-reference §1.2-1.4).
public struct ParseStage: Sendable {
    let maxQueryLength: Int
    let responses: ResponseFactory

    /// Creates the stage.
    public init(maxQueryLength: Int, responses: ResponseFactory) {
        self.maxQueryLength = maxQueryLength
        self.responses = responses
    }

    /// Parses `request`.
    public func run(_ request: ServerRequest) -> ParsedRequest {
        switch request.method {
        case .options: return .immediate(responses.preflight())
        case .other: return .immediate(responses.methodNotAllowed())
        case .get, .head, .post: break
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
