/// An IIP protocol error: a code pair and an argument, sent as `Error/<len>:<code> <arg>` (iipsrv-reference §2.3, §11.1).
///
/// iipsrv truncates the line to 31 characters; this implementation writes it whole, so the length field
/// always matches the text that follows it.
public struct IIPError: Error, Sendable, Hashable {
    /// The error classes of the IIP protocol.
    public enum Code: String, Sendable, Hashable {
        /// `1 3`: no image was set, or the file is unavailable.
        case imageUnavailable = "1 3"
        /// `2 1`: malformed request, nothing produced.
        case malformedRequest = "2 1"
        /// `2 2`: unsupported command.
        case unsupportedCommand = "2 2"
        /// `3 2`: unsupported OBJ argument.
        case unsupportedObject = "3 2"
    }

    /// The error class.
    public var code: Code
    /// The argument: a command name, an object name, or the whole request string.
    public var argument: String

    /// Creates an error.
    public init(_ code: Code, _ argument: String) {
        self.code = code
        self.argument = argument
    }

    /// The response line, with its CR LF.
    public var line: String {
        let payload = "\(code.rawValue) \(argument)"
        return "Error/\(payload.utf8.count):\(payload)\r\n"
    }
}
