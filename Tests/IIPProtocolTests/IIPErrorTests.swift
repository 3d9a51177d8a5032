import IIPProtocol
import Testing

// iipsrv-reference §2.3, §11.1 (without the 31-character truncation, on purpose)
@Suite("IIP errors")
struct IIPErrorTests {
    static let codes: [(IIPError.Code, String)] = [
        (.imageUnavailable, "1 3"),
        (.malformedRequest, "2 1"),
        (.unsupportedCommand, "2 2"),
        (.unsupportedObject, "3 2"),
    ]

    @Test("The four protocol error codes", arguments: codes)
    func codeValues(code: IIPError.Code, text: String) {
        #expect(code.rawValue == text)
    }

    static let lines: [(IIPError, String)] = [
        (IIPError(.imageUnavailable, "FIF"), "Error/7:1 3 FIF\r\n"),
        (IIPError(.unsupportedCommand, "foo"), "Error/7:2 2 foo\r\n"),
        (IIPError(.unsupportedObject, "bogus"), "Error/9:3 2 bogus\r\n"),
        (IIPError(.malformedRequest, "FIF=test.tif&OBJ=something"), "Error/30:2 1 FIF=test.tif&OBJ=something\r\n"),
        (IIPError(.malformedRequest, ""), "Error/4:2 1 \r\n"),
        (IIPError(.unsupportedCommand, "é"), "Error/6:2 2 é\r\n"),
        (IIPError(.unsupportedObject, "日本"), "Error/10:3 2 日本\r\n"),
    ]

    @Test("Error/<byte length>:<code> <arg> CR LF", arguments: lines)
    func line(error: IIPError, expected: String) {
        #expect(error.line == expected)
    }

    @Test("Long arguments are not truncated: the length field matches the text")
    func noTruncation() throws {
        let argument = "FIF=test.tif&OBJ=" + String(repeating: "s", count: 100)
        let line = IIPError(.malformedRequest, argument).line
        #expect(line == "Error/121:2 1 \(argument)\r\n")
        let bytes = Array(line.utf8)
        let colon = try #require(bytes.firstIndex(of: UInt8(ascii: ":")))
        #expect(bytes.suffix(2) == [13, 10])
        let payload = bytes[(colon + 1)..<(bytes.count - 2)]
        #expect(String(decoding: bytes[..<colon], as: UTF8.self) == "Error/\(payload.count)")
    }

    @Test("Stores its code and argument and can be thrown")
    func throwable() {
        let error = IIPError(.unsupportedObject, "x")
        #expect(error.code == .unsupportedObject)
        #expect(error.argument == "x")
        #expect(throws: IIPError(.unsupportedObject, "x")) { throw error }
        #expect(IIPError(.unsupportedObject, "x") != IIPError(.unsupportedCommand, "x"))
    }
}
