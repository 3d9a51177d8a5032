/// Why a string is not a valid ``FastCGIAddress``.
public enum FastCGIAddressParsingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The string was empty or only whitespace.
    case empty
    /// No `:port` suffix was found, e.g. `"localhost"`.
    case missingPort(String)
    /// The port was not a number between 0 and 65535.
    case invalidPort(String)
    /// The host part was empty where not allowed, malformed (e.g. an unbracketed IPv6 address), or had spaces.
    case invalidHost(String)

    /// A message for the user, naming the offending input.
    public var description: String {
        switch self {
        case .empty:
            "empty FastCGI address; expected host:port, :port, [ipv6]:port or a unix socket path"
        case .missingPort(let input):
            "FastCGI address '\(input)' has no port; expected host:port, :port, [ipv6]:port or a unix socket path"
        case .invalidPort(let input):
            "FastCGI address '\(input)' has an invalid port; expected a number from 0 to 65535"
        case .invalidHost(let input):
            "FastCGI address '\(input)' has an invalid host; write IPv6 addresses as [addr]:port"
        }
    }
}
