public import NIOCore

/// Decodes a byte stream into ``FastCGIRecord`` values.
///
/// Use it with `ByteToMessageHandler`. Record contents are zero-copy slices of the receive buffer and padding is
/// skipped. Unknown record types are passed through (see ``FastCGIRecordType``); only a wrong protocol version is an
/// error, because nothing after it can be trusted.
public struct FastCGIRecordDecoder: NIOSingleStepByteToMessageDecoder {
    /// The decoded record.
    public typealias InboundOut = FastCGIRecord

    /// Creates a decoder.
    public init() {}

    /// Decodes one record, or returns `nil` until the whole record (header, content and padding) has arrived.
    public mutating func decode(buffer: inout ByteBuffer) throws -> FastCGIRecord? {
        guard
            let (version, rawType, requestID, contentLength, paddingLength, _) = buffer.getMultipleIntegers(
                at: buffer.readerIndex,
                as: (UInt8, UInt8, UInt16, UInt16, UInt8, UInt8).self
            )
        else {
            return nil
        }
        guard version == FastCGIRecord.version else {
            throw FastCGIProtocolError.unsupportedVersion(version)
        }
        let recordLength = FastCGIRecord.headerLength + Int(contentLength) + Int(paddingLength)
        guard buffer.readableBytes >= recordLength else {
            return nil
        }
        buffer.moveReaderIndex(forwardBy: FastCGIRecord.headerLength)
        guard let content = buffer.readSlice(length: Int(contentLength)) else {
            return nil  // unreachable: the length was checked above
        }
        buffer.moveReaderIndex(forwardBy: Int(paddingLength))
        return FastCGIRecord(type: FastCGIRecordType(rawValue: rawType), requestID: requestID, content: content)
    }

    /// Decodes what is left when the stream ends; a trailing partial record is reported by `ByteToMessageHandler`.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> FastCGIRecord? {
        try decode(buffer: &buffer)
    }
}
