import Logging
import NIOCore
import Testing

@testable import FastCGI

/// Inputs that must close the connection without a reply.
enum MalformedInput: String, CaseIterable, Sendable {
    case badVersion
    case unknownTypeForRequest
    case applicationTypeFromServer
    case managementTypeForRequest
    case shortBeginBody
    case truncatedNameValuePair
    case nameValueLengthBeyondStream
    case paramsOverLimit
    case bodyOverLimit
    case duplicateBegin
    case stdinForUnknownRequest
    case paramsAfterParamsEnded
    case stdinAfterStdinEnded
    case malformedGetValues

    static let limits = FastCGIServerConfiguration(
        address: .tcp(host: "127.0.0.1", port: 0),
        maxParamsBytes: 1000,
        maxBodyBytes: 2000
    )

    var bytes: ByteBuffer {
        get throws {
            let begin = WebServer.begin(1, keepConnection: true)
            switch self {
            case .badVersion:
                var bytes = try Wire.encode([begin])
                bytes.setInteger(UInt8(2), at: bytes.readerIndex)
                return bytes
            case .unknownTypeForRequest:
                return try Wire.encode([begin, WebServer.record(FastCGIRecordType(rawValue: 99), 1)])
            case .applicationTypeFromServer:
                return try Wire.encode([begin, WebServer.record(.stdout, 1, "x")])
            case .managementTypeForRequest:
                return try Wire.encode([begin, WebServer.record(.getValues, 1)])
            case .shortBeginBody:
                return try Wire.encode([WebServer.record(.beginRequest, 1, "\u{0}\u{1}")])
            case .truncatedNameValuePair:
                return try Wire.encode([
                    begin, FastCGIRecord(type: .params, requestID: 1, content: ByteBuffer(bytes: [0x80, 0, 0])),
                    WebServer.record(.params, 1),
                ])
            case .nameValueLengthBeyondStream:
                return try Wire.encode([
                    begin, WebServer.record(.params, 1, "\u{9}\u{1}ab"), WebServer.record(.params, 1),
                ])
            case .paramsOverLimit:
                let big = WebServer.paramsStream(["A": String(repeating: "x", count: 600)])
                return try Wire.encode([
                    begin, FastCGIRecord(type: .params, requestID: 1, content: big),
                    FastCGIRecord(type: .params, requestID: 1, content: big),
                ])
            case .bodyOverLimit:
                let chunk = String(repeating: "b", count: 1500)
                return try Wire.encode(
                    [begin, WebServer.record(.params, 1), WebServer.record(.stdin, 1, chunk)]
                        + [WebServer.record(.stdin, 1, chunk)]
                )
            case .duplicateBegin:
                return try Wire.encode([begin, begin])
            case .stdinForUnknownRequest:
                return try Wire.encode([WebServer.record(.stdin, 8, "x")])
            case .paramsAfterParamsEnded:
                return try Wire.encode([begin, WebServer.record(.params, 1), WebServer.record(.params, 1)])
            case .stdinAfterStdinEnded:
                return try Wire.encode([begin, WebServer.record(.stdin, 1), WebServer.record(.stdin, 1)])
            case .malformedGetValues:
                return try Wire.encode([WebServer.record(.getValues, 0, "\u{7f}")])
            }
        }
    }
}

@Suite("Malformed input")
struct FastCGIMalformedInputTests {
    @Test("Closes the connection without dispatching or replying", arguments: MalformedInput.allCases)
    func closesConnection(input: MalformedInput) throws {
        let logs = LogRecorder()
        let harness = try ProtocolHarness(configuration: MalformedInput.limits, logger: logs.makeLogger())
        try harness.send(try input.bytes)
        #expect(!harness.isOpen)
        #expect(try harness.events().isEmpty)
        #expect(try harness.written().isEmpty)
        // Anything after the violation is ignored.
        try harness.send(WebServer.request(2, params: [:]))
        #expect(try harness.events().isEmpty)
        #expect(try harness.written().isEmpty)
        // Exactly one line, at notice level.
        #expect(logs.recorded.filter { $0.level >= .notice }.map(\.level) == [.notice])
    }

    @Test("Requests within the limits are served")
    func withinLimits() throws {
        let harness = try ProtocolHarness(configuration: MalformedInput.limits)
        let value = String(repeating: "x", count: 990)
        try harness.send(WebServer.request(1, params: ["A": value], body: String(repeating: "b", count: 2000)))
        let request = try #require(try harness.requests().first?.0)
        #expect(request.params["A"] == value)
        #expect(request.body.readableBytes == 2000)
    }
}
