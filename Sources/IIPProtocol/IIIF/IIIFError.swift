/// A IIIF request that cannot be answered: the HTTP status and a plain-text message (iipsrv-reference §4.5).
public struct IIIFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status: 400 (bad syntax or values), 404 (unknown image) or 501 (valid but not implemented).
    public var status: Int
    /// The body text, without a trailing newline.
    public var message: String

    /// Creates an error.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// A 400 Bad Request.
    public static func badRequest(_ message: String) -> IIIFError {
        IIIFError(status: 400, message: message)
    }

    /// A 404 Not Found.
    public static func notFound(_ message: String) -> IIIFError {
        IIIFError(status: 404, message: message)
    }

    /// A 501 Not Implemented.
    public static func notImplemented(_ message: String) -> IIIFError {
        IIIFError(status: 501, message: message)
    }

    /// `status message`, for logs.
    public var description: String { "\(status) \(message)" }
}
