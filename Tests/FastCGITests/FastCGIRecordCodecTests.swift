import NIOCore
import NIOEmbedded
import Testing

@testable import FastCGI

@Suite("Record codec")
struct FastCGIRecordCodecTests {
    @Test("Encodes header, reserved byte, content and padding byte-exactly, and decodes it back")
    func roundTripsHeaderAndPadding() throws {
        let record = FastCGIRecord(type: .stdout, requestID: 0x0102, content: ByteBuffer(bytes: [1, 2, 3, 4, 5]))
        let bytes = try Wire.encode([record])
        #expect(Array(bytes.readableBytesView) == [1, 6, 0x01, 0x02, 0x00, 0x05, 3, 0, 1, 2, 3, 4, 5, 0, 0, 0])
        #expect(try Wire.decode(bytes) == [record])
    }

    @Test("Content that is already a multiple of 8 gets no padding; empty content is a bare header")
    func paddingBoundaries() throws {
        let eight = FastCGIRecord(type: .stdin, requestID: 1, content: ByteBuffer(repeating: 7, count: 8))
        #expect(try Wire.encode([eight]).readableBytes == 16)
        let empty = FastCGIRecord(type: .stdin, requestID: 1)
        #expect(Array(try Wire.encode([empty]).readableBytesView) == [1, 5, 0, 1, 0, 0, 0, 0])
        let maximal = FastCGIRecord(type: .stdout, requestID: 1, content: ByteBuffer(repeating: 1, count: 65535))
        let encoded = try Wire.encode([maximal])
        #expect(encoded.readableBytes == 8 + 65535 + 1)
        #expect(try Wire.decode(encoded) == [maximal])
    }

    @Test("Every record type, known or not, round-trips", arguments: Array(UInt8(1)...UInt8(11)) + [0, 12, 200, 255])
    func everyRecordType(rawType: UInt8) throws {
        let record = FastCGIRecord(
            type: FastCGIRecordType(rawValue: rawType),
            requestID: UInt16(rawType) * 257,
            content: ByteBuffer(string: "content of \(rawType)")
        )
        #expect(try Wire.decode(Wire.encode([record])) == [record])
    }

    @Test("Rejects content longer than 65535 bytes")
    func rejectsOversizedContent() {
        let record = FastCGIRecord(type: .stdout, requestID: 1, content: ByteBuffer(repeating: 0, count: 65536))
        #expect(throws: FastCGIProtocolError.contentTooLong(65536)) {
            try Wire.encode([record])
        }
    }

    @Test("Rejects a version other than 1")
    func rejectsBadVersion() {
        var buffer = ByteBuffer(bytes: [2, 1, 0, 1, 0, 8, 0, 0])
        var decoder = FastCGIRecordDecoder()
        #expect(throws: FastCGIProtocolError.unsupportedVersion(2)) {
            try decoder.decode(buffer: &buffer)
        }
    }

    @Test("Skips padding and ignores the reserved byte sent by the peer")
    func skipsPaddingAndReservedByte() throws {
        // contentLength 2, paddingLength 5 (not the minimal 6), reserved byte 0xAB
        let bytes = ByteBuffer(bytes: [1, 5, 0, 9, 0, 2, 5, 0xAB, 0x68, 0x69, 9, 9, 9, 9, 9])
        #expect(try Wire.decode(bytes) == [WebServer.record(.stdin, 9, "hi")])
    }

    static let stream: [FastCGIRecord] = [
        WebServer.begin(1, keepConnection: true),
        FastCGIRecord(type: .params, requestID: 1, content: WebServer.paramsStream(["QUERY_STRING": "FIF=a.tif"])),
        WebServer.record(.params, 1),
        WebServer.record(.stdin, 1, "body bytes"),
        WebServer.record(.stdin, 1),
        WebServer.record(.getValues, 0),
        WebServer.record(FastCGIRecordType(rawValue: 99), 0, "x"),
        WebServer.record(.abortRequest, 2),
    ]

    @Test("A stream split at every byte boundary decodes to the same records")
    func decodesAcrossEverySplit() throws {
        let bytes = try Wire.encode(Self.stream)
        for split in 0...bytes.readableBytes {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(FastCGIRecordDecoder()))
            var head = bytes
            let first = head.readSlice(length: split) ?? ByteBuffer()
            try channel.writeInbound(first)
            try channel.writeInbound(head)
            #expect(try Self.drain(channel) == Self.stream, "split at \(split)")
            #expect(try channel.finish().isClean)
        }
    }

    @Test("A stream fed one byte at a time decodes to the same records")
    func decodesByteByByte() throws {
        let bytes = try Wire.encode(Self.stream)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FastCGIRecordDecoder()))
        for byte in bytes.readableBytesView {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try Self.drain(channel) == Self.stream)
        #expect(try channel.finish().isClean)
    }

    @Test("Encoder in a pipeline writes the same bytes as the standalone encoder")
    func encoderInPipeline() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FastCGIRecordEncoder()))
        var written = ByteBuffer()
        for record in Self.stream {
            try channel.writeOutbound(record)
            while var chunk = try channel.readOutbound(as: ByteBuffer.self) {
                written.writeBuffer(&chunk)
            }
        }
        #expect(written == (try Wire.encode(Self.stream)))
    }

    @Test("The server's writer: small content padded in one buffer, large content sent as it is after its header")
    func recordWriter() throws {
        let channel = EmbeddedChannel(handler: FastCGIRecordWriter())
        let small = FastCGIRecord(type: .stdout, requestID: 3, content: ByteBuffer(repeating: 1, count: 5))
        try channel.writeOutbound(small)
        let one = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(one == (try Wire.encode([small])))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        let content = ByteBuffer(repeating: 2, count: FastCGIRecordWriter.copyLimit + 3)
        let large = FastCGIRecord(type: .stdout, requestID: 3, content: content)
        try channel.writeOutbound(large)
        var header = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let body = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        // The content's own bytes, not a copy; no padding.
        #expect(body.readableBytes == content.readableBytes)
        #expect(body.withUnsafeReadableBytes { $0.baseAddress } == content.withUnsafeReadableBytes { $0.baseAddress })
        #expect(Array(header.readableBytesView) == [1, 6, 0, 3, 0x04, 0x03, 0, 0])
        var wire = ByteBuffer()
        wire.writeBuffer(&header)
        wire.writeImmutableBuffer(body)
        #expect(try Wire.decode(wire) == [large])

        let tooLong = FastCGIRecord(
            type: .stdout, requestID: 3, content: ByteBuffer(repeating: 0, count: FastCGIRecord.maxContentLength + 1))
        #expect(throws: FastCGIProtocolError.self) { try channel.writeOutbound(tooLong) }
        #expect(try channel.finish().isClean)
    }

    private static func drain(_ channel: EmbeddedChannel) throws -> [FastCGIRecord] {
        var records: [FastCGIRecord] = []
        while let record = try channel.readInbound(as: FastCGIRecord.self) {
            records.append(record)
        }
        return records
    }
}
