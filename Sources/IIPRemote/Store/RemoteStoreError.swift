/// Why a remote store cannot be used as configured.
package enum RemoteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// FILESYSTEM_PREFIX is a URL this server cannot read from.
    case invalidPrefix(String)
    /// The AWS settings (credentials, profile, endpoint) are incomplete or unreadable.
    case invalidAWSConfiguration(String)

    /// A one-line explanation, without credentials.
    package var description: String {
        switch self {
        case .invalidPrefix(let reason): "FILESYSTEM_PREFIX: \(reason)"
        case .invalidAWSConfiguration(let reason): "AWS configuration: \(reason)"
        }
    }
}
