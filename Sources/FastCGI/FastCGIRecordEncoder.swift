public import NIOCore

/// Encodes ``FastCGIRecord`` values: header (including the reserved byte), content, and zero padding up to a
/// multiple of 8 bytes, as the specification recommends.
///
/// Use it with `MessageToByteHandler` (a client), or through ``FastCGIRecordWriter``, which the server uses and which
/// sends large content without copying it. Content longer than ``FastCGIRecord/maxContentLength`` is rejected with
/// ``FastCGIProtocolError/contentTooLong(_:)``; split long streams before encoding.
public struct FastCGIRecordEncoder: MessageToByteEncoder {
    /// The record to encode.
    public typealias OutboundIn = FastCGIRecord

    /// Creates an encoder.
    public init() {}

    /// Appends the wire form of `record` to `out`.
    public func encode(data record: FastCGIRecord, out: inout ByteBuffer) throws {
        let contentLength = record.content.readableBytes
        guard contentLength <= FastCGIRecord.maxContentLength else {
            throw FastCGIProtocolError.contentTooLong(contentLength)
        }
        let paddingLength = (8 - contentLength % 8) % 8
        out.reserveCapacity(minimumWritableBytes: FastCGIRecord.headerLength + contentLength + paddingLength)
        Self.writeHeader(of: record, paddingLength: paddingLength, to: &out)
        out.writeImmutableBuffer(record.content)
        out.writeRepeatingByte(0, count: paddingLength)
    }

    /// Appends the 8-byte header of `record` (whose content must fit ``FastCGIRecord/maxContentLength``), announcing
    /// `paddingLength` bytes of padding after the content.
    static func writeHeader(of record: FastCGIRecord, paddingLength: Int, to out: inout ByteBuffer) {
        out.writeMultipleIntegers(
            FastCGIRecord.version,
            record.type.rawValue,
            record.requestID,
            UInt16(record.content.readableBytes),
            UInt8(paddingLength),
            UInt8(0)  // reserved
        )
    }
}
