import NIOCore

/// The body of a BEGIN_REQUEST record: role (u16), flags (u8), 5 reserved bytes.
struct FastCGIBeginRequest: Sendable, Hashable {
    /// `FCGI_KEEP_CONN`: the application must keep the connection open after this request.
    static let keepConnectionFlag: UInt8 = 1

    var role: FastCGIRole
    var keepConnection: Bool

    init(role: FastCGIRole, keepConnection: Bool) {
        self.role = role
        self.keepConnection = keepConnection
    }

    /// Parses the body of the BEGIN_REQUEST `record`.
    init(parsing record: FastCGIRecord) throws {
        guard
            record.content.readableBytes >= 8,
            let (role, flags) = record.content.getMultipleIntegers(
                at: record.content.readerIndex,
                as: (UInt16, UInt8).self
            )
        else {
            throw FastCGIProtocolError.malformedBeginRequest(requestID: record.requestID)
        }
        self.init(role: FastCGIRole(rawValue: role), keepConnection: flags & Self.keepConnectionFlag != 0)
    }

    /// The wire form of this body (used by tests and clients).
    var content: ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeMultipleIntegers(role.rawValue, keepConnection ? Self.keepConnectionFlag : 0)
        buffer.writeRepeatingByte(0, count: 5)
        return buffer
    }
}
