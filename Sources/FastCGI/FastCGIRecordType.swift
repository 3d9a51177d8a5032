/// The type byte of a FastCGI record header (FastCGI 1.0, section 8).
///
/// This is a struct rather than an enum so that a decoder can represent type codes it does not know: the protocol
/// asks an application to answer an unknown *management* type with `UNKNOWN_TYPE`, so the value must survive decoding.
public struct FastCGIRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type code as it appears on the wire.
    public var rawValue: UInt8

    /// Wraps a type code, known or not.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `FCGI_BEGIN_REQUEST` (1): starts a request; the body carries the role and flags.
    public static let beginRequest = Self(rawValue: 1)
    /// `FCGI_ABORT_REQUEST` (2): the web server abandons a request.
    public static let abortRequest = Self(rawValue: 2)
    /// `FCGI_END_REQUEST` (3): the application finished a request.
    public static let endRequest = Self(rawValue: 3)
    /// `FCGI_PARAMS` (4): a chunk of the name-value stream of CGI variables.
    public static let params = Self(rawValue: 4)
    /// `FCGI_STDIN` (5): a chunk of the request body.
    public static let stdin = Self(rawValue: 5)
    /// `FCGI_STDOUT` (6): a chunk of the CGI response.
    public static let stdout = Self(rawValue: 6)
    /// `FCGI_STDERR` (7): a chunk of the error stream.
    public static let stderr = Self(rawValue: 7)
    /// `FCGI_DATA` (8): a chunk of the filter data stream (FILTER role only).
    public static let data = Self(rawValue: 8)
    /// `FCGI_GET_VALUES` (9): a management query for application variables.
    public static let getValues = Self(rawValue: 9)
    /// `FCGI_GET_VALUES_RESULT` (10): the answer to `GET_VALUES`.
    public static let getValuesResult = Self(rawValue: 10)
    /// `FCGI_UNKNOWN_TYPE` (11): the answer to a management record of an unknown type.
    public static let unknownType = Self(rawValue: 11)

    /// The FastCGI name of the type, or its number when it is not one of the eleven defined types.
    public var description: String {
        switch self {
        case .beginRequest: "BEGIN_REQUEST"
        case .abortRequest: "ABORT_REQUEST"
        case .endRequest: "END_REQUEST"
        case .params: "PARAMS"
        case .stdin: "STDIN"
        case .stdout: "STDOUT"
        case .stderr: "STDERR"
        case .data: "DATA"
        case .getValues: "GET_VALUES"
        case .getValuesResult: "GET_VALUES_RESULT"
        case .unknownType: "UNKNOWN_TYPE"
        default: "type(\(rawValue))"
        }
    }
}
