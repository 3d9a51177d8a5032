public import HTTPTypes

/// The header field names the server sends, parsed once.
package enum FieldNames {
    /// Server.
    package static let server = HTTPField.Name("Server")!
    /// X-Powered-By.
    package static let poweredBy = HTTPField.Name("X-Powered-By")!
    /// Content-Type.
    package static let contentType = HTTPField.Name("Content-Type")!
    /// Content-Length.
    package static let contentLength = HTTPField.Name("Content-Length")!
    /// Last-Modified.
    package static let lastModified = HTTPField.Name("Last-Modified")!
    /// Cache-Control.
    package static let cacheControl = HTTPField.Name("Cache-Control")!
    /// Content-Disposition.
    package static let contentDisposition = HTTPField.Name("Content-Disposition")!
    /// Link.
    package static let link = HTTPField.Name("Link")!
    /// Location.
    package static let location = HTTPField.Name("Location")!
    /// Allow.
    package static let allow = HTTPField.Name("Allow")!
    /// Retry-After.
    package static let retryAfter = HTTPField.Name("Retry-After")!
    /// Access-Control-Allow-Origin.
    package static let allowOrigin = HTTPField.Name("Access-Control-Allow-Origin")!
    /// Access-Control-Allow-Methods.
    package static let allowMethods = HTTPField.Name("Access-Control-Allow-Methods")!
    /// Access-Control-Allow-Headers.
    package static let allowHeaders = HTTPField.Name("Access-Control-Allow-Headers")!
    /// Access-Control-Max-Age.
    package static let maxAge = HTTPField.Name("Access-Control-Max-Age")!
}
