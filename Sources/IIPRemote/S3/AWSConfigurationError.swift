/// Why AWS settings could not be resolved. No case holds a secret.
package enum AWSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An access key id was given without its secret (or the like); `source` says where.
    case incompleteCredentials(source: String, missing: String)
    /// `AWS_PROFILE` names a profile that neither the credentials nor the config file has.
    case profileNotFound(String)
    /// Credentials are set up in a way not supported here, such as role assumption, SSO or web identity.
    case unsupportedCredentialSource(String)
    /// A custom endpoint URL is not `http[s]://host[:port]`; the first value says which setting held it.
    case invalidEndpoint(String, reason: String)
    /// A credentials or config file exists but could not be read.
    case unreadableFile(String)
    /// A credentials or config file is larger than ``AWSConfiguration/maximumFileSize``.
    case fileTooLarge(String)

    /// A sentence for logs.
    package var description: String {
        switch self {
        case .incompleteCredentials(let source, let missing):
            "AWS credentials in \(source) are incomplete: \(missing) is missing"
        case .profileNotFound(let profile):
            "AWS profile '\(profile)' (AWS_PROFILE) is in neither the credentials nor the config file"
        case .unsupportedCredentialSource(let setting):
            "AWS credentials from \(setting) are not supported; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        case .invalidEndpoint(let source, let reason):
            "the S3 endpoint in \(source) is invalid: \(reason)"
        case .unreadableFile(let path):
            "cannot read AWS file \(path)"
        case .fileTooLarge(let path):
            "AWS file \(path) is larger than \(AWSConfiguration.maximumFileSize) bytes"
        }
    }
}
