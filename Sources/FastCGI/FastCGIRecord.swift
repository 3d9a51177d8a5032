public import NIOCore

/// One FastCGI record: an 8-byte header followed by its content (padding is added and skipped by the codec).
public struct FastCGIRecord: Sendable, Hashable {
    /// The protocol version this library speaks and accepts (`FCGI_VERSION_1`).
    public static let version: UInt8 = 1
    /// The size of a record header in bytes.
    public static let headerLength = 8
    /// The largest content a single record can carry (`contentLength` is a 16-bit field).
    public static let maxContentLength = Int(UInt16.max)

    /// The record type.
    public var type: FastCGIRecordType
    /// The request the record belongs to; 0 marks a management record.
    public var requestID: UInt16
    /// The record content, without padding. At most ``maxContentLength`` bytes.
    public var content: ByteBuffer

    /// Creates a record.
    public init(type: FastCGIRecordType, requestID: UInt16, content: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.requestID = requestID
        self.content = content
    }

    /// Whether this is a management record (`requestId == 0`).
    public var isManagementRecord: Bool {
        requestID == 0
    }
}
