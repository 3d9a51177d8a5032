/// A DeepZoom request that cannot be answered: the HTTP status and a plain-text message.
public struct DeepZoomError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 400 for a malformed URL, 404 for a level or tile that does not exist.
    public var status: Int
    /// The body text.
    public var message: String

    /// Creates an error.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// `status message`, for logs.
    public var description: String { "\(status) \(message)" }
}
