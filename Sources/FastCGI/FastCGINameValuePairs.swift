public import NIOCore

/// Encoding and decoding of FastCGI name-value pairs (the content of PARAMS, GET_VALUES and GET_VALUES_RESULT).
///
/// Each length is one byte when it is below 128, otherwise four bytes big-endian with the top bit set.
public enum FastCGINameValuePairs {
    /// The largest length the four-byte form can express.
    public static let maxLength = Int(Int32.max)

    /// Parses every pair in `buffer`, which must hold the whole (concatenated) stream.
    ///
    /// - Throws: ``FastCGIProtocolError/truncatedNameValuePair`` or
    ///   ``FastCGIProtocolError/nameValueLengthExceedsStream(length:available:)`` for a malformed stream.
    /// - Returns: the pairs in stream order; duplicate names are kept.
    public static func decode(_ buffer: ByteBuffer) throws -> [(name: String, value: String)] {
        var buffer = buffer
        var pairs: [(name: String, value: String)] = []
        while buffer.readableBytes > 0 {
            let nameLength = try readLength(&buffer)
            let valueLength = try readLength(&buffer)
            let name = try readString(&buffer, length: nameLength)
            let value = try readString(&buffer, length: valueLength)
            pairs.append((name, value))
        }
        return pairs
    }

    /// Appends one encoded pair to `buffer`.
    ///
    /// - Precondition: both strings are at most ``maxLength`` UTF-8 bytes.
    public static func encode(name: String, value: String, into buffer: inout ByteBuffer) {
        writeLength(name.utf8.count, into: &buffer)
        writeLength(value.utf8.count, into: &buffer)
        buffer.writeString(name)
        buffer.writeString(value)
    }

    private static func readLength(_ buffer: inout ByteBuffer) throws -> Int {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            throw FastCGIProtocolError.truncatedNameValuePair
        }
        if first < 0x80 {
            buffer.moveReaderIndex(forwardBy: 1)
            return Int(first)
        }
        guard let long = buffer.readInteger(as: UInt32.self) else {
            throw FastCGIProtocolError.truncatedNameValuePair
        }
        return Int(long & 0x7fff_ffff)
    }

    private static func readString(_ buffer: inout ByteBuffer, length: Int) throws -> String {
        guard let string = buffer.readString(length: length) else {
            throw FastCGIProtocolError.nameValueLengthExceedsStream(length: length, available: buffer.readableBytes)
        }
        return string
    }

    private static func writeLength(_ length: Int, into buffer: inout ByteBuffer) {
        precondition(length <= maxLength, "name-value length \(length) exceeds \(maxLength)")
        if length < 0x80 {
            buffer.writeInteger(UInt8(length))
        } else {
            buffer.writeInteger(UInt32(length) | 0x8000_0000)
        }
    }
}
