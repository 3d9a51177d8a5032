package import IIPProtocol

/// A request read into its protocol.
package struct ParsedRequest: Sendable {
    /// The request as received.
    package var request: ServerRequest
    /// What it asks, in its protocol's terms.
    package var call: ProtocolRequest
    /// The images it names, in order (as requested, before FILESYSTEM_PREFIX); usually one, none for answers
    /// about the server.
    package var imagePaths: [String]
}

/// Stage 1, Parse: protocol text to a typed protocol request (iipsrv-reference §1.2-1.4); the landing page,
/// pre-flights, 405 and 414 end here.
package final class ParseStage: PipelineStage {
    let reader: RequestReader

    /// Reads requests with `settings`.
    package init(settings: ProtocolSettings) {
        reader = RequestReader(settings: settings)
    }

    /// Reads `request`.
    package func run(_ request: ServerRequest) throws(Interruption) -> ParsedRequest {
        let outcome: RequestReader.Outcome
        do {
            outcome = try reader.read(request)
        } catch {
            RequestTimeline.current?.setProtocol(RequestProtocol(reader.family(ofUnreadable: request)))
            throw .rejected(error)
        }
        switch outcome {
        case .request(let call):
            if let timeline = RequestTimeline.current {
                timeline.setProtocol(RequestProtocol(reader.family(of: call, request: request)))
            }
            return ParsedRequest(
                request: request, call: call, imagePaths: reader.imagePaths(of: call, request: request))
        case .landingPage: throw .landingPage
        case .preflight: throw .preflight
        case .methodNotAllowed: throw .methodNotAllowed
        }
    }
}
