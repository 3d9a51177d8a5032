import NIOCore
import Testing

@testable import FastCGI

@Suite("Name-value pairs")
struct FastCGINameValuePairsTests {
    @Test("Lengths round-trip across the 1-byte / 4-byte boundary", arguments: [0, 1, 127, 128, 300, 70000])
    func lengthsRoundTrip(length: Int) throws {
        let name = String(repeating: "n", count: length)
        let value = String(repeating: "v", count: 70000 - length)
        var buffer = ByteBuffer()
        FastCGINameValuePairs.encode(name: name, value: value, into: &buffer)
        let decoded = try FastCGINameValuePairs.decode(buffer)
        #expect(decoded.count == 1)
        #expect(decoded.first?.name == name)
        #expect(decoded.first?.value == value)
    }

    @Test("Uses one length byte below 128 and four with the top bit set from 128")
    func lengthEncoding() {
        var short = ByteBuffer()
        FastCGINameValuePairs.encode(name: String(repeating: "a", count: 127), value: "", into: &short)
        #expect(Array(short.readableBytesView.prefix(2)) == [127, 0])
        var long = ByteBuffer()
        FastCGINameValuePairs.encode(name: String(repeating: "a", count: 300), value: "", into: &long)
        #expect(Array(long.readableBytesView.prefix(5)) == [0x80, 0, 0x01, 0x2C, 0])
    }

    @Test("Decodes several pairs in order, including empty values and UTF-8")
    func severalPairs() throws {
        let stream = WebServer.paramsStream(["A": "1", "EMPTY": "", "ÜNI": "çødé", "A": "2"])
        let decoded = try FastCGINameValuePairs.decode(stream)
        #expect(decoded.map(\.name) == ["A", "EMPTY", "ÜNI", "A"])
        #expect(decoded.map(\.value) == ["1", "", "çødé", "2"])
    }

    @Test("A length field cut short is a truncated pair")
    func truncatedLength() {
        // name length in the 4-byte form, but only two bytes of it
        #expect(throws: FastCGIProtocolError.truncatedNameValuePair) {
            try FastCGINameValuePairs.decode(ByteBuffer(bytes: [0x80, 0x00]))
        }
        // name length present, value length missing
        #expect(throws: FastCGIProtocolError.truncatedNameValuePair) {
            try FastCGINameValuePairs.decode(ByteBuffer(bytes: [3]))
        }
    }

    @Test("A length pointing past the stream is rejected, including the largest 4-byte length")
    func lengthBeyondStream() {
        #expect(throws: FastCGIProtocolError.nameValueLengthExceedsStream(length: 5, available: 2)) {
            try FastCGINameValuePairs.decode(ByteBuffer(bytes: [5, 0, 0x41, 0x42]))
        }
        #expect(throws: FastCGIProtocolError.nameValueLengthExceedsStream(length: Int(Int32.max), available: 1)) {
            try FastCGINameValuePairs.decode(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0x41]))
        }
    }
}
