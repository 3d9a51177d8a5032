/// AWS access keys: an access key id, its secret, and a session token for temporary credentials.
///
/// Printing one, in any form (`description`, `debugDescription`, `dump`, a mirror), shows the access key id only:
/// the secret and the session token are redacted.
package struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The access key id, such as `AKIAIOSFODNN7EXAMPLE`; not a secret.
    package let accessKeyID: String
    /// The secret access key. Never log it.
    package let secretAccessKey: String
    /// The session token of temporary credentials, sent as `x-amz-security-token`. Never log it.
    package let sessionToken: String?

    /// Credentials from their parts; an empty session token counts as none.
    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken?.isEmpty == true ? nil : sessionToken
    }

    /// The access key id, with the secret and any session token redacted.
    package var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>"
            + (sessionToken == nil ? ")" : ", sessionToken: <redacted>)")
    }

    /// The same as ``description``: the secret and any session token redacted.
    package var debugDescription: String { description }

    /// A mirror with the secret and any session token redacted, so `dump` and reflection cannot show them.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyID": accessKeyID,
                "secretAccessKey": "<redacted>",
                "sessionToken": sessionToken == nil ? "nil" : "<redacted>",
            ],
            displayStyle: .struct
        )
    }
}

/// How requests are sent: signed with credentials, or anonymous (unsigned), as for a public bucket.
package enum AWSAccess: Sendable, Equatable, CustomStringConvertible {
    /// No credentials were found: send requests unsigned.
    case anonymous
    /// Sign requests with these credentials.
    case signed(AWSCredentials)

    /// `anonymous`, or the credentials with their secret redacted.
    package var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .signed(let credentials): "signed(\(credentials))"
        }
    }

    /// The credentials, or `nil` when anonymous.
    package var credentials: AWSCredentials? {
        switch self {
        case .anonymous: nil
        case .signed(let credentials): credentials
        }
    }
}
