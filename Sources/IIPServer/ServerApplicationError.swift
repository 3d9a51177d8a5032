/// Why the server cannot start.
public enum ServerApplicationError: Error, CustomStringConvertible {
    /// ADMIN_ADDRESS is neither PORT nor HOST:PORT.
    case invalidAdminAddress(String)

    /// A message for the log.
    public var description: String {
        switch self {
        case .invalidAdminAddress(let text): "ADMIN_ADDRESS: expected PORT or HOST:PORT, got \(text)"
        }
    }
}
