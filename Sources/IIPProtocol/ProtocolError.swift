/// A request that a protocol cannot answer, with the body its protocol sends (iipsrv-reference §4.5, §11).
///
/// One type for every protocol: IIP answers its `Error/<len>:<code> <arg>` lines, IIIF, DeepZoom and Zoomify a
/// plain-text message; each carries the HTTP status it is answered with.
public struct ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the error body holds.
    public enum Body: Sendable, Hashable {
        /// IIP's error lines (status 400, `application/vnd.netfpx`).
        case iip([IIPError])
        /// A plain-text message (IIIF, DeepZoom, Zoomify and HTTP-level errors).
        case text(String)
    }

    /// The HTTP status: 400 (bad syntax or values), 404 (unknown image, level or tile), 501 (valid but not
    /// implemented).
    public var status: Int
    /// The body.
    public var body: Body

    /// A plain-text error.
    public init(status: Int, message: String) {
        self.status = status
        body = .text(message)
    }

    /// IIP error lines, answered with status 400 as iipsrv 1.1 does.
    public init(iip errors: [IIPError]) {
        status = 400
        body = .iip(errors)
    }

    /// A 400 Bad Request.
    public static func badRequest(_ message: String) -> ProtocolError {
        ProtocolError(status: 400, message: message)
    }

    /// A 404 Not Found.
    public static func notFound(_ message: String) -> ProtocolError {
        ProtocolError(status: 404, message: message)
    }

    /// A 501 Not Implemented.
    public static func notImplemented(_ message: String) -> ProtocolError {
        ProtocolError(status: 501, message: message)
    }

    /// The body as text: the message, or the IIP error lines.
    public var message: String {
        switch body {
        case .text(let message): message
        case .iip(let errors): errors.map(\.line).joined()
        }
    }

    /// The media type of the body: IIP's `application/vnd.netfpx`, else plain UTF-8 text.
    public var mediaType: String {
        switch body {
        case .iip: "application/vnd.netfpx"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// The file name IIP error bodies are sent under (Content-Disposition, as iipsrv names them); `nil` for text.
    public var fileName: String? {
        switch body {
        case .iip: "IIPisAMadGameClosedToOurUnderstanding.netfpx"
        case .text: nil
        }
    }

    /// `status message`, for logs.
    public var description: String { "\(status) \(message)" }
}
