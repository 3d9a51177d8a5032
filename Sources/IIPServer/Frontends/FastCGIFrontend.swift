public import FastCGI
import IIPPipeline
import IIPProtocol
import NIOCore

/// The FastCGI frontend: CGI variables in, a CGI-style response out (`Status:` line, header lines, blank line,
/// body), through the same ``FrontendRouter`` as HTTP (iipsrv-reference §1.1-1.2).
public struct FastCGIFrontend: Sendable {
    let router: FrontendRouter

    /// Creates the frontend.
    public init(router: FrontendRouter) {
        self.router = router
    }

    /// Answers one FastCGI request.
    public func handle(_ request: FastCGIRequest, writer: FastCGIResponseWriter) async throws {
        let serverRequest = Self.serverRequest(request)
        let response: ServerResponse
        if let pass = FastCGIRequestPass.current {
            // A region export gives its place among the FastCGI requests in flight back while it waits for an
            // export slot (MAX_FCGI_REQUESTS_IN_FLIGHT), as it gives back its request slot.
            response = await AdmissionTicket.$frontendPlace.withValue(FrontendPlace { pass.giveBack() }) {
                await router.respond(to: serverRequest, from: .fastCGI)
            }
        } else {
            response = await router.respond(to: serverRequest, from: .fastCGI)
        }
        var head = ByteBufferAllocator().buffer(capacity: 512)
        head.writeStaticString("Status: ")
        head.writeString(String(response.status.code))
        head.writeStaticString(" ")
        head.writeString(response.reasonPhrase)
        head.writeStaticString("\r\n")
        // The response's fields, then Content-Length (none for 204 and 304), as the HTTP frontend sends them.
        for field in response.headerFields {
            head.writeString(field.name.rawName)
            head.writeStaticString(": ")
            head.writeString(field.value)
            head.writeStaticString("\r\n")
        }
        if response.status.code != 204, response.status.code != 304 {
            head.writeStaticString("Content-Length: ")
            head.writeString(String(response.body.readableBytes))
            head.writeStaticString("\r\n")
        }
        head.writeStaticString("\r\n")
        guard serverRequest.method != .head, response.body.readableBytes > 0 else {
            try await writer.write(head)
            return
        }
        // Two parts, sent in one write (the FastCGI server holds small answers back): the body is not copied.
        try await writer.write(head)
        try await writer.write(response.body)
    }

    /// The Host of the request: HTTP_HOST, with SERVER_PORT added when HTTP_HOST has no port and the port is not
    /// the scheme's default. Debian's nginx passes `$host` as HTTP_HOST, which drops the port the client used.
    static func host(_ params: [String: String], secure: Bool) -> String? {
        guard let host = params["HTTP_HOST"] ?? params["SERVER_NAME"], !host.isEmpty else { return nil }
        // Searched as bytes: `String.contains(_:)` with a string goes through Foundation, which measured 1.7% of the
        // CPU of a tile request.
        let bytes = host.utf8
        let hasPort: Bool
        if bytes.first == UInt8(ascii: "[") {
            // An IPv6 literal: a port follows the closing bracket.
            hasPort =
                bytes.lastIndex(of: UInt8(ascii: "]")).map { bytes[$0...].dropFirst().first == UInt8(ascii: ":") }
                ?? false
        } else {
            hasPort = bytes.contains(UInt8(ascii: ":"))
        }
        guard !hasPort, let port = params["SERVER_PORT"], !port.isEmpty, port != (secure ? "443" : "80") else {
            return host
        }
        return "\(host):\(port)"
    }

    /// The neutral request for a set of CGI variables.
    static func serverRequest(_ request: FastCGIRequest) -> ServerRequest {
        let params = request.params
        let uri = params["REQUEST_URI"] ?? ((params["SCRIPT_NAME"] ?? "") + (params["PATH_INFO"] ?? ""))
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(uri[..<$0]) } ?? uri
        let https = params["HTTPS"].map { !$0.isEmpty && $0.lowercased() != "off" } ?? false
        let secure = https || params["REQUEST_SCHEME"] == "https"
        return ServerRequest(
            method: ServerRequest.Method(params["REQUEST_METHOD"] ?? "GET"),
            path: path.isEmpty ? "/" : path, query: params["QUERY_STRING"] ?? "",
            body: Array(buffer: request.body), host: host(params, secure: secure), isHTTPS: secure,
            ifModifiedSince: params["HTTP_IF_MODIFIED_SINCE"], accept: params["HTTP_ACCEPT"],
            iiifID: params["HTTP_X_IIIF_ID"], forwardedProto: params["HTTP_X_FORWARDED_PROTO"],
            forwardedHost: params["HTTP_X_FORWARDED_HOST"], ifNoneMatch: params["HTTP_IF_NONE_MATCH"],
            traceParent: params["HTTP_TRACEPARENT"], traceState: params["HTTP_TRACESTATE"])
    }
}
