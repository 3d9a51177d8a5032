/// Why a ``FastCGIServer`` could not start listening.
public enum FastCGIServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ``FastCGIAddress/inheritedSocket(fd:)`` was given a negative descriptor.
    case invalidFileDescriptor(Int32)
    /// `chmod` of the unix socket file failed with this `errno`.
    case socketPermissionsNotApplied(path: String, errno: Int32)

    /// A message for the operator.
    public var description: String {
        switch self {
        case .invalidFileDescriptor(let fd):
            "invalid inherited socket file descriptor \(fd)"
        case .socketPermissionsNotApplied(let path, let errno):
            "could not set the permissions of the FastCGI socket \(path) (errno \(errno))"
        }
    }
}
