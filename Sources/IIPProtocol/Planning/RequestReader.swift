/// Reads a ``ServerRequest`` into its protocol (iipsrv-reference §1.2-1.4): URI_MAP paths and IIP query strings,
/// `/iiif/`, `/deepzoom/` and `/zoomify/` paths, and the IIIF, DeepZoom and Zoomify commands inside IIP. Pure.
public struct RequestReader: Sendable {
    /// What a request is, before any image is opened.
    public enum Outcome: Sendable {
        /// A protocol request.
        case request(ProtocolRequest)
        /// No request string: the landing page.
        case landingPage
        /// OPTIONS: a CORS pre-flight.
        case preflight
        /// A method other than GET, HEAD, POST and OPTIONS.
        case methodNotAllowed
    }

    let settings: ProtocolSettings
    let iiifParser: IIIFRequestParser

    /// Creates a reader.
    public init(settings: ProtocolSettings) {
        self.settings = settings
        iiifParser = IIIFRequestParser(formats: settings.formats, extensions: settings.iiifExtensions)
    }

    /// Reads `request`.
    ///
    /// - Throws: 414 for a request string or path longer than MAX_QUERY_LENGTH (``ProtocolSettings/maxQueryLength``);
    ///   the protocol's own 400 for an IIIF, DeepZoom or Zoomify path that does not parse.
    public func read(_ request: ServerRequest) throws(ProtocolError) -> Outcome {
        // A mapped path is the request string, whatever the method (as iipsrv master).
        if let mapped = settings.uriMap?.requestString(forPath: request.path) {
            try checkLength(mapped)
            return .request(try iip(mapped, request: request))
        }
        switch request.method {
        case .options: return .preflight
        case .other: return .methodNotAllowed
        case .get, .head, .post: break
        }
        if let route = PathRoute(path: request.path) {
            try checkLength(request.path)
            return .request(try self.route(route, request: request))
        }
        var requestString = request.query
        if requestString.isEmpty, request.method == .post, !request.body.isEmpty {
            requestString = String(decoding: request.body, as: UTF8.self)
        }
        try checkLength(requestString)
        guard !requestString.isEmpty else { return .landingPage }
        return .request(try iip(requestString, request: request))
    }

    /// The image `call` needs opened (as requested, before FILESYSTEM_PREFIX), or `nil`; IIIF identifiers lose
    /// their page part when IIIF_DELIMITER is set (see ``ProtocolRequest/imagePath(delimiter:)``).
    public func imagePath(of call: ProtocolRequest) -> String? {
        call.imagePath(delimiter: settings.iiifDelimiter)
    }

    private func checkLength(_ text: String) throws(ProtocolError) {
        guard text.utf8.count <= settings.maxQueryLength else {
            throw ProtocolError(status: 414, message: "request longer than \(settings.maxQueryLength) bytes")
        }
    }

    /// An IIP request; one that reaches a Zoomify, DeepZoom or IIIF command before any other output command or
    /// malformed argument is that protocol's request (earlier setters do not apply to them).
    private func iip(_ requestString: String, request: ServerRequest) throws(ProtocolError) -> ProtocolRequest {
        let items = IIPRequestParser().parse(requestString)
        for item in items {
            guard case .command(let command) = item else {
                if case .malformed = item { break }
                continue
            }
            switch command {
            case .zoomify(let argument): return try route(.zoomify(argument: argument), request: request)
            case .deepZoom(let argument): return try route(.deepZoom(argument: argument), request: request)
            case .iiif(let argument): return try route(.iiif(rawArgument: argument), request: request)
            default: if command.isOutput { return .iip(requestString: requestString, items: items) }
            }
        }
        return .iip(requestString: requestString, items: items)
    }

    private func route(_ route: PathRoute, request: ServerRequest) throws(ProtocolError) -> ProtocolRequest {
        switch route {
        case .iiif(let rawArgument):
            let version = IIIFVersion.negotiated(accept: request.accept, default: settings.iiifVersion)
            let parsed = try iiifParser.parse(rawArgument, version: version)
            return .iiif(
                parsed, rawArgument: rawArgument, version: version, negotiated: version != settings.iiifVersion)
        case .deepZoom(let argument):
            return .deepZoom(try DeepZoomRequest.parse(argument))
        case .zoomify(let argument):
            return .zoomify(try ZoomifyRequest.parse(argument))
        }
    }
}
