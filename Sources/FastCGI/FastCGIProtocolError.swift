/// A violation of the FastCGI protocol or of a configured limit, detected on one connection.
///
/// The server closes the offending connection with a single log line; other connections are unaffected.
public enum FastCGIProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A record header carried a version other than 1.
    case unsupportedVersion(UInt8)
    /// A record to encode carried more than 65535 content bytes.
    case contentTooLong(Int)
    /// A record arrived that makes no sense in the current state of its request (for example STDIN for an id that
    /// was never begun, PARAMS after the PARAMS stream ended, or a type only an application may send).
    case unexpectedRecord(type: FastCGIRecordType, requestID: UInt16)
    /// A BEGIN_REQUEST arrived for a request id that is still active.
    case duplicateBeginRequest(requestID: UInt16)
    /// A BEGIN_REQUEST body was shorter than 8 bytes.
    case malformedBeginRequest(requestID: UInt16)
    /// A name-value pair ended in the middle of a length field.
    case truncatedNameValuePair
    /// A name-value length pointed past the end of the stream.
    case nameValueLengthExceedsStream(length: Int, available: Int)
    /// The PARAMS stream of a request exceeded the configured limit.
    case paramsTooLarge(limit: Int)
    /// The STDIN stream of a request exceeded the configured limit.
    case bodyTooLarge(limit: Int)

    /// A one-line description, suitable for a log message.
    public var description: String {
        switch self {
        case .unsupportedVersion(let version):
            "unsupported FastCGI version \(version)"
        case .contentTooLong(let length):
            "record content of \(length) bytes exceeds 65535"
        case .unexpectedRecord(let type, let requestID):
            "unexpected \(type) record for request \(requestID)"
        case .duplicateBeginRequest(let requestID):
            "BEGIN_REQUEST for request \(requestID), which is already active"
        case .malformedBeginRequest(let requestID):
            "BEGIN_REQUEST body for request \(requestID) is shorter than 8 bytes"
        case .truncatedNameValuePair:
            "truncated name-value pair"
        case .nameValueLengthExceedsStream(let length, let available):
            "name-value length \(length) exceeds the \(available) bytes left in the stream"
        case .paramsTooLarge(let limit):
            "PARAMS stream exceeds the limit of \(limit) bytes"
        case .bodyTooLarge(let limit):
            "STDIN stream exceeds the limit of \(limit) bytes"
        }
    }
}
