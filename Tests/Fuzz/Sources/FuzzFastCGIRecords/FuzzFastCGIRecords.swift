import FuzzSupport
import NIOCore

@testable import FastCGI

/// Decodes the input as a FastCGI byte stream (``FastCGIRecordDecoder``), and each record's body as what its type
/// carries: name-value pairs (PARAMS, GET_VALUES) or a BEGIN_REQUEST body.
///
/// Checks that every record re-encodes to the bytes it came from (less padding), and that decoded name-value pairs
/// survive an encode and decode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFastCGIRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var buffer = ByteBuffer(bytes: FuzzInput(data, size).bytes)
    var decoder = FastCGIRecordDecoder()
    while let record = try? decoder.decode(buffer: &buffer) {
        precondition(record.content.readableBytes <= FastCGIRecord.maxContentLength, "content too long")
        var encoded = ByteBuffer()
        try! FastCGIRecordEncoder().encode(data: record, out: &encoded)
        var again = FastCGIRecordDecoder()
        let decoded = try! again.decode(buffer: &encoded)
        precondition(decoded == record, "record does not survive re-encoding")
        switch record.type {
        case .params, .getValues, .getValuesResult:
            checkPairs(record.content)
        case .beginRequest:
            _ = try? FastCGIBeginRequest(parsing: record)
        default:
            break
        }
    }
    return 0
}

private func checkPairs(_ content: ByteBuffer) {
    guard let pairs = try? FastCGINameValuePairs.decode(content) else { return }
    var encoded = ByteBuffer()
    for pair in pairs {
        FastCGINameValuePairs.encode(name: pair.name, value: pair.value, into: &encoded)
    }
    let decoded = try! FastCGINameValuePairs.decode(encoded)
    precondition(decoded.map(\.name) == pairs.map(\.name), "names do not survive")
    precondition(decoded.map(\.value) == pairs.map(\.value), "values do not survive")
}
