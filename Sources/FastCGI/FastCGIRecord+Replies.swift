import NIOCore

extension FastCGIRecord {
    /// An END_REQUEST record: `appStatus` (u32), `protocolStatus` (u8), 3 reserved bytes.
    static func endRequest(
        requestID: UInt16,
        appStatus: UInt32,
        protocolStatus: FastCGIProtocolStatus
    ) -> FastCGIRecord {
        var content = ByteBuffer()
        content.writeMultipleIntegers(appStatus, protocolStatus.rawValue, UInt8(0), UInt8(0), UInt8(0))
        return FastCGIRecord(type: .endRequest, requestID: requestID, content: content)
    }

    /// An UNKNOWN_TYPE management record naming `type`, followed by 7 reserved bytes.
    static func unknownType(_ type: FastCGIRecordType) -> FastCGIRecord {
        var content = ByteBuffer()
        content.writeInteger(type.rawValue)
        content.writeRepeatingByte(0, count: 7)
        return FastCGIRecord(type: .unknownType, requestID: 0, content: content)
    }

    /// A GET_VALUES_RESULT management record carrying `values` in the given order.
    static func getValuesResult(_ values: [(name: String, value: String)]) -> FastCGIRecord {
        var content = ByteBuffer()
        for (name, value) in values {
            FastCGINameValuePairs.encode(name: name, value: value, into: &content)
        }
        return FastCGIRecord(type: .getValuesResult, requestID: 0, content: content)
    }
}
