/// The role a BEGIN_REQUEST asks the application to play. Only ``responder`` is supported.
struct FastCGIRole: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt16

    static let responder = Self(rawValue: 1)
    static let authorizer = Self(rawValue: 2)
    static let filter = Self(rawValue: 3)
}
