/// Reads a ``ServerRequest`` into its protocol (iipsrv-reference §1.2-1.4): URI_MAP paths and IIP query strings,
/// `/iiif/`, `/deepzoom/` and `/zoomify/` paths, and the IIIF, DeepZoom and Zoomify commands inside IIP. Pure.
public final class RequestReader: Sendable {
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
    ///   the protocol's own 400 (or 501) for an IIIF, DeepZoom or Zoomify path that does not parse. Zoomify,
    ///   DeepZoom and IIIF commands inside an IIP request are parsed when the IIP planner reaches them.
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

    /// The images `call` needs opened, in the order its commands name them (as requested, before
    /// FILESYSTEM_PREFIX); empty when it can be answered without one.
    ///
    /// IIP runs commands left to right (iipsrv-reference §1.4), so this is every FIF up to the first malformed
    /// command, the first command that produces an image once an image is named, or an embedded Zoomify, DeepZoom
    /// or IIIF command (whose own image ends the list). IIIF identifiers lose their page part when IIIF_DELIMITER
    /// is set; the IIIF base-URI redirect needs no image.
    public func imagePaths(of call: ProtocolRequest, request: ServerRequest) -> [String] {
        guard case .iip(_, let items) = call else { return imagePath(of: call).map { [$0] } ?? [] }
        var paths: [String] = []
        for item in items {
            guard case .command(let command) = item else {
                if case .malformed = item { break }
                continue
            }
            switch command {
            case .fif(let path):
                if !paths.contains(path) { paths.append(path) }
            case .zoomify, .deepZoom, .iiif:
                if let embedded = try? embeddedRequest(command, request: request), let path = imagePath(of: embedded) {
                    if !paths.contains(path) { paths.append(path) }
                }
                return paths
            case .tile, .legacyTile, .tiles, .convert:
                if !paths.isEmpty { return paths }
            default:
                continue
            }
        }
        return paths
    }

    /// The image of a Zoomify, DeepZoom or IIIF request, or `nil` (IIP, the IIIF base-URI redirect).
    func imagePath(of call: ProtocolRequest) -> String? {
        switch call {
        case .iip: return nil
        case .iiif(let parsed, _, _, _):
            if case .baseRedirect = parsed { return nil }
            guard !settings.iiifDelimiter.isEmpty else { return parsed.identifier }
            return IIIFRequestParser.splitPage(identifier: parsed.identifier, delimiter: settings.iiifDelimiter)
                .identifier
        case .deepZoom(let parsed): return parsed.path
        case .zoomify(let parsed): return parsed.path
        }
    }

    /// The protocol request of a Zoomify, DeepZoom or IIIF command inside an IIP request, or `nil` for any other
    /// command.
    ///
    /// - Throws: The embedded protocol's 400 when its argument does not parse.
    public func embeddedRequest(
        _ command: IIPCommand, request: ServerRequest
    ) throws(ProtocolError) -> ProtocolRequest? {
        switch command {
        case .zoomify(let argument): try route(.zoomify(argument: argument), request: request)
        case .deepZoom(let argument): try route(.deepZoom(argument: argument), request: request)
        case .iiif(let argument): try route(.iiif(rawArgument: argument), request: request)
        default: nil
        }
    }

    private func checkLength(_ text: String) throws(ProtocolError) {
        guard text.utf8.count <= settings.maxQueryLength else {
            throw ProtocolError(status: 414, message: "request longer than \(settings.maxQueryLength) bytes")
        }
    }

    /// An IIP request; Zoomify, DeepZoom and IIIF commands inside it are planned when the IIP planner reaches
    /// them, after the commands before them have run.
    private func iip(_ requestString: String, request: ServerRequest) throws(ProtocolError) -> ProtocolRequest {
        .iip(requestString: requestString, items: IIPRequestParser().parse(requestString))
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
