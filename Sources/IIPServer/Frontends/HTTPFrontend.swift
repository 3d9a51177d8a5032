import HTTPTypes
public import Hummingbird
import IIPPipeline
import IIPProtocol
import NIOCore

/// The HTTP frontend: turns Hummingbird requests into ``ServerRequest``s for the ``FrontendRouter`` and its
/// answers back into responses. IIP works at any path with a query string.
public struct HTTPFrontend: HTTPResponder {
    /// The request context type: Hummingbird's, with the connection.
    public typealias Context = HTTPConnectionContext

    let router: FrontendRouter
    let maxBodyBytes: Int

    /// Creates the frontend.
    ///
    /// - Parameter maxBodyBytes: The largest POST body read.
    public init(router: FrontendRouter, maxBodyBytes: Int = 64 * 1024) {
        self.router = router
        self.maxBodyBytes = maxBodyBytes
    }

    /// Answers one HTTP request.
    public func respond(to request: Request, context: Context) async throws -> Response {
        let (path, query) = Self.split(request.head.path ?? "/")
        var body: [UInt8] = []
        if request.method == .post {
            guard let collected = try? await request.body.collect(upTo: maxBodyBytes) else {
                return Response(status: .contentTooLarge)
            }
            body = Array(buffer: collected)
        }
        let headers = request.headers
        let serverRequest = ServerRequest(
            method: ServerRequest.Method(request.method.rawValue), path: path, query: query, body: body,
            host: request.head.authority, isHTTPS: request.head.scheme == "https",
            ifModifiedSince: headers[.ifModifiedSince], accept: headers[.accept],
            iiifID: headers[.iiifID], forwardedProto: headers[.forwardedProto], forwardedHost: headers[.forwardedHost],
            ifNoneMatch: headers[.ifNoneMatch], traceParent: headers[.traceParent], traceState: headers[.traceState])
        // A client that disconnects does not cancel this task (it is the connection's): the codec threads ask the
        // connection before each job instead, and drop the work of a client that has gone.
        let channel = context.channel
        let answer = await ClientPresence.$current.withValue(ClientPresence { channel.isActive }) {
            await router.respond(to: serverRequest, from: .http)
        }
        let response = Self.response(answer)
        return request.method == .head ? response.createHeadResponse() : response
    }

    /// Splits a request target into its path and its raw query string.
    static func split(_ target: String) -> (path: String, query: String) {
        // Byte search: '?' is ASCII and never part of a multi-byte UTF-8 sequence.
        let bytes = target.utf8
        guard let mark = bytes.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (String(Substring(bytes[..<mark])), String(Substring(bytes[bytes.index(after: mark)...])))
    }

    /// Converts a pipeline response to a Hummingbird response with the same header fields as FastCGI sends.
    static func response(_ answer: consuming ServerResponse) -> Response {
        // The pipeline's statuses already carry this server's reason phrases (ServerResponse.status(_:)).
        let status = answer.status
        if status.code == 304 || status.code == 204 {
            return Response(status: status, headers: answer.headerFields, body: .init())
        }
        let body = answer.body
        // Moved out, so that adding Content-Length does not copy the fields.
        var fields = HTTPFields()
        swap(&fields, &answer.headerFields)
        fields.append(HTTPField(name: .contentLength, value: String(body.readableBytes)))
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}

extension HTTPField.Name {
    fileprivate static let iiifID = Self("X-IIIF-ID")!
    fileprivate static let forwardedProto = Self("X-Forwarded-Proto")!
    fileprivate static let forwardedHost = Self("X-Forwarded-Host")!
    fileprivate static let traceParent = Self("traceparent")!
    fileprivate static let traceState = Self("tracestate")!
}
