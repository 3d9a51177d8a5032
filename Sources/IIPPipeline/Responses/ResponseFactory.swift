public import IIPProtocol
public import NIOCore
import Synchronization

/// Builds responses with the headers iipsrv sends for each kind of answer (iipsrv-reference §10, §11).
public struct ResponseFactory: Sendable {
    /// The Server header value.
    public static let serverName = "iipsrv-async/\(IIPServerVersion.current)"

    private let cacheControl: String
    private let corsHeaders: [(name: String, value: String)]

    /// Creates a factory for a configuration.
    public init(configuration: ServerConfiguration) {
        cacheControl = configuration.cacheControl
        if configuration.cors.isEmpty {
            corsHeaders = []
        } else {
            corsHeaders = [
                ("Access-Control-Allow-Origin", configuration.cors),
                ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                ("Access-Control-Allow-Headers", "Accept, Content-Type, X-Requested-With, If-Modified-Since"),
                ("Access-Control-Max-Age", "86400"),
            ]
        }
    }

    /// The last Last-Modified value formatted: most responses are about the same few images.
    private let lastDate = LastDate()

    private final class LastDate: Sendable {
        let value = Mutex<(seconds: Int64, text: String)>((Int64.min, ""))
    }

    private func lastModifiedText(_ seconds: Int64) -> String {
        if let text = lastDate.value.withLock({ $0.seconds == seconds ? $0.text : nil }) { return text }
        let text = HTTPDate.format(seconds)
        lastDate.value.withLock { $0 = (seconds, text) }
        return text
    }

    private var identity: [(name: String, value: String)] {
        [("Server", Self.serverName), ("X-Powered-By", "IIPImage")]
    }

    /// An image or document with Last-Modified and Cache-Control: tiles, exports, descriptors.
    ///
    /// - Parameters:
    ///   - cacheControl: Replaces CACHE_CONTROL (IIIF answers negotiated to another version are `private`).
    ///   - extraHeaders: Added after the standard ones (IIIF Link headers).
    public func content(
        _ body: ByteBuffer, mediaType: String, lastModified: Int64?, disposition: String? = nil,
        cacheControl: String? = nil, extraHeaders: [(name: String, value: String)] = []
    ) -> ServerResponse {
        var headers = identity
        headers.append(("Content-Type", mediaType))
        if let lastModified { headers.append(("Last-Modified", lastModifiedText(lastModified))) }
        headers.append(("Cache-Control", cacheControl ?? self.cacheControl))
        headers += corsHeaders
        if let disposition { headers.append(("Content-Disposition", disposition)) }
        headers += extraHeaders
        return ServerResponse(status: 200, headers: headers, body: body)
    }

    /// 303 See Other to `location` (the IIIF base URI redirect, iipsrv-reference §4.2).
    public func redirect(to location: String) -> ServerResponse {
        var headers = [("Location", location)] + identity
        headers += corsHeaders
        return ServerResponse(status: 303, headers: headers)
    }

    /// OBJ answers: lines ending in CR LF (iipsrv-reference §3.1).
    public func objects(_ lines: [String], mediaType: String, lastModified: Int64?) -> ServerResponse {
        var body = ByteBuffer()
        for line in lines {
            body.writeString(line)
            body.writeStaticString("\r\n")
        }
        return content(body, mediaType: mediaType, lastModified: lastModified)
    }

    /// IIP protocol errors: status 400, `application/vnd.netfpx`, no caching (iipsrv-reference §11.1).
    public func iipErrors(_ errors: [IIPError]) -> ServerResponse {
        var headers = identity
        headers.append(("Cache-Control", "no-cache"))
        headers.append(("Content-Type", "application/vnd.netfpx"))
        headers += corsHeaders
        headers.append(("Content-Disposition", "inline;filename=\"IIPisAMadGameClosedToOurUnderstanding.netfpx\""))
        var body = ByteBuffer()
        for error in errors { body.writeString(error.line) }
        return ServerResponse(status: 400, headers: headers, body: body)
    }

    /// A protocol's error answer: IIP error lines or a plain-text message, with the error's status.
    public func error(_ error: ProtocolError) -> ServerResponse {
        switch error.body {
        case .iip(let errors): iipErrors(errors)
        case .text(let message): textError(status: error.status, message)
        }
    }

    /// A plain-text error with an HTTP status (iipsrv-reference §11.2).
    public func textError(status: Int, _ message: String) -> ServerResponse {
        var headers = identity
        headers.append(("Content-Type", "text/plain; charset=utf-8"))
        headers.append(("Cache-Control", "no-cache"))
        headers += corsHeaders
        return ServerResponse(status: status, headers: headers, body: ByteBuffer(string: message))
    }

    /// 304 Not Modified.
    public func notModified(lastModified: Int64) -> ServerResponse {
        var headers = identity
        headers.append(("Last-Modified", HTTPDate.format(lastModified)))
        headers.append(("Cache-Control", cacheControl))
        return ServerResponse(status: 304, headers: headers)
    }

    /// 204 for a CORS pre-flight (OPTIONS).
    public func preflight() -> ServerResponse {
        var headers = identity
        headers.append(("Allow", "GET, HEAD, POST, OPTIONS"))
        headers.append(("Cache-Control", cacheControl))
        headers += corsHeaders
        return ServerResponse(status: 204, headers: headers)
    }

    /// 405 for methods other than GET, HEAD, POST and OPTIONS.
    public func methodNotAllowed() -> ServerResponse {
        var headers = identity
        headers.append(("Allow", "GET, HEAD, POST, OPTIONS"))
        headers.append(("Cache-Control", "no-cache"))
        return ServerResponse(status: 405, headers: headers)
    }

    /// 503 when the pipeline is full or shutting down.
    public func unavailable() -> ServerResponse {
        var response = textError(status: 503, "server busy, try again")
        response.headers.append(("Retry-After", "1"))
        return response
    }

    /// The landing page for an empty request (iipsrv's "advert", iipsrv-reference §11.4).
    public func landingPage() -> ServerResponse {
        let html = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>IIPImage Server</title></head>\
            <body style="font-family:sans-serif;margin:4em"><h1>IIPImage Server</h1>\
            <h2>iipsrv-async \(IIPServerVersion.current)</h2><p>An IIPImage-compatible image server. \
            Ask for an image with the IIP protocol, e.g. <code>?FIF=image.tif&amp;OBJ=Max-size</code>.</p>\
            </body></html>
            """
        var headers = identity
        headers.append(("Content-Type", "text/html"))
        headers.append(("Cache-Control", cacheControl))
        return ServerResponse(status: 200, headers: headers, body: ByteBuffer(string: html))
    }
}

/// This server's version.
public enum IIPServerVersion {
    /// The version string used in Server headers and the landing page.
    public static let current = "0.1.0"
}
