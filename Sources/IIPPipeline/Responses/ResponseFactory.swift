package import HTTPTypes
package import IIPProtocol
import NIOConcurrencyHelpers
package import NIOCore

/// Builds responses with the headers iipsrv sends for each kind of answer (iipsrv-reference §10, §11).
package struct ResponseFactory: Sendable {
    /// The Server header value.
    package static let serverName = "iipsrv-async/\(IIPServerVersion.current)"

    private let cacheControl: String
    private let corsFields: [HTTPField]

    /// Creates a factory for a configuration.
    package init(configuration: ServerConfiguration) {
        cacheControl = configuration.cacheControl
        if configuration.cors.isEmpty {
            corsFields = []
        } else {
            corsFields = [
                HTTPField(name: .accessControlAllowOrigin, value: configuration.cors),
                HTTPField(name: .accessControlAllowMethods, value: "GET, POST, OPTIONS"),
                HTTPField(
                    name: .accessControlAllowHeaders, value: "Accept, Content-Type, X-Requested-With, If-Modified-Since"
                ),
                HTTPField(name: .accessControlMaxAge, value: "86400"),
            ]
        }
    }

    /// The last Last-Modified value formatted: most responses are about the same few images.
    private let lastDate = LastDate()

    private final class LastDate: Sendable {
        let value = NIOLockedValueBox<(seconds: Int64, text: String)>((Int64.min, ""))
    }

    private func lastModifiedText(_ seconds: Int64) -> String {
        if let text = lastDate.value.withLockedValue({ $0.seconds == seconds ? $0.text : nil }) { return text }
        let text = HTTPDate.format(seconds)
        lastDate.value.withLockedValue { $0 = (seconds, text) }
        return text
    }

    private static let serverField = HTTPField(name: .server, value: serverName)
    private static let poweredByField = HTTPField(name: .poweredBy, value: "IIPImage")

    private func fields(capacity: Int) -> HTTPFields {
        var fields = HTTPFields()
        fields.reserveCapacity(capacity + corsFields.count + 2)
        fields.append(Self.serverField)
        fields.append(Self.poweredByField)
        return fields
    }

    /// An image or document with Last-Modified and Cache-Control: tiles, exports, descriptors.
    ///
    /// - Parameters:
    ///   - cacheControl: Replaces CACHE_CONTROL (IIIF answers negotiated to another version are `private`).
    ///   - link: A Link field, sent last (IIIF).
    ///   - etag: The answer's entity tag.
    ///   - varyAccept: Adds `Vary: Accept` (IIIF answers, whose version Accept may choose).
    package func content(
        _ body: ByteBuffer, mediaType: String, lastModified: Int64?, disposition: String? = nil,
        cacheControl: String? = nil, link: String? = nil, etag: String? = nil, varyAccept: Bool = false
    ) -> ServerResponse {
        var fields = fields(capacity: 8)
        fields.append(HTTPField(name: .contentType, value: mediaType))
        if let lastModified {
            fields.append(HTTPField(name: .lastModified, value: lastModifiedText(lastModified)))
        }
        if let etag { fields.append(HTTPField(name: .eTag, value: etag)) }
        if varyAccept { fields.append(HTTPField(name: .vary, value: "Accept")) }
        fields.append(HTTPField(name: .cacheControl, value: cacheControl ?? self.cacheControl))
        fields.append(contentsOf: corsFields)
        if let disposition { fields.append(HTTPField(name: .contentDisposition, value: disposition)) }
        if let link { fields.append(HTTPField(name: .link, value: link)) }
        return ServerResponse(status: .ok, headerFields: fields, body: body)
    }

    /// 303 See Other to `location` (the IIIF base URI redirect, iipsrv-reference §4.2).
    package func redirect(to location: String) -> ServerResponse {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .location, value: location))
        fields.append(Self.serverField)
        fields.append(Self.poweredByField)
        fields.append(contentsOf: corsFields)
        return ServerResponse(status: ServerResponse.status(303), headerFields: fields)
    }

    /// A protocol's error answer, never cached: its body (IIP error lines or a plain-text message), media type and
    /// status; a body with a file name (IIP's) is sent as an attachment, with the fields in iipsrv's order
    /// (iipsrv-reference §11.1).
    package func error(_ error: ProtocolError) -> ServerResponse {
        guard let fileName = error.fileName else { return textError(status: error.status, error.message) }
        var fields = fields(capacity: 3)
        fields.append(HTTPField(name: .cacheControl, value: "no-cache"))
        fields.append(HTTPField(name: .contentType, value: error.mediaType))
        fields.append(contentsOf: corsFields)
        fields.append(HTTPField(name: .contentDisposition, value: "inline;filename=\"\(fileName)\""))
        return ServerResponse(
            status: ServerResponse.status(error.status), headerFields: fields, body: ByteBuffer(string: error.message))
    }

    /// A plain-text error with an HTTP status (iipsrv-reference §11.2).
    package func textError(status: Int, _ message: String) -> ServerResponse {
        var fields = fields(capacity: 2)
        fields.append(HTTPField(name: .contentType, value: "text/plain; charset=utf-8"))
        fields.append(HTTPField(name: .cacheControl, value: "no-cache"))
        fields.append(contentsOf: corsFields)
        return ServerResponse(
            status: ServerResponse.status(status), headerFields: fields, body: ByteBuffer(string: message))
    }

    /// 304 Not Modified, with the validators a 200 would carry.
    package func notModified(lastModified: Int64, etag: String? = nil) -> ServerResponse {
        var fields = fields(capacity: 3)
        fields.append(HTTPField(name: .lastModified, value: HTTPDate.format(lastModified)))
        if let etag { fields.append(HTTPField(name: .eTag, value: etag)) }
        fields.append(HTTPField(name: .cacheControl, value: cacheControl))
        return ServerResponse(status: ServerResponse.status(304), headerFields: fields)
    }

    /// 204 for a CORS pre-flight (OPTIONS).
    package func preflight() -> ServerResponse {
        var fields = fields(capacity: 2)
        fields.append(HTTPField(name: .allow, value: "GET, HEAD, POST, OPTIONS"))
        fields.append(HTTPField(name: .cacheControl, value: cacheControl))
        fields.append(contentsOf: corsFields)
        return ServerResponse(status: ServerResponse.status(204), headerFields: fields)
    }

    /// 405 for methods other than GET, HEAD, POST and OPTIONS.
    package func methodNotAllowed() -> ServerResponse {
        var fields = fields(capacity: 2)
        fields.append(HTTPField(name: .allow, value: "GET, HEAD, POST, OPTIONS"))
        fields.append(HTTPField(name: .cacheControl, value: "no-cache"))
        return ServerResponse(status: ServerResponse.status(405), headerFields: fields)
    }

    /// 503 when the pipeline is full or shutting down.
    package func unavailable() -> ServerResponse {
        var response = textError(status: 503, "server busy, try again")
        response.headerFields.append(HTTPField(name: .retryAfter, value: "1"))
        return response
    }

    /// The landing page for an empty request (iipsrv's "advert", iipsrv-reference §11.4).
    package func landingPage() -> ServerResponse {
        let html = """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>IIPImage Server</title></head>\
            <body style="font-family:sans-serif;margin:4em"><h1>IIPImage Server</h1>\
            <h2>iipsrv-async \(IIPServerVersion.current)</h2><p>An IIPImage-compatible image server. \
            Ask for an image with the IIP protocol, e.g. <code>?FIF=image.tif&amp;OBJ=Max-size</code>.</p>\
            </body></html>
            """
        var fields = fields(capacity: 2)
        fields.append(HTTPField(name: .contentType, value: "text/html"))
        fields.append(HTTPField(name: .cacheControl, value: cacheControl))
        return ServerResponse(status: .ok, headerFields: fields, body: ByteBuffer(string: html))
    }
}

/// This server's version.
public enum IIPServerVersion {
    /// The version string used in Server headers and the landing page.
    public static let current = "0.1.0"
}

extension HTTPField.Name {
    /// X-Powered-By, which iipsrv sends (HTTPTypes names the standard fields; these two it does not).
    fileprivate static let poweredBy = Self("X-Powered-By")!
    /// Link (IIIF's profile and canonical relations).
    fileprivate static let link = Self("Link")!
}
