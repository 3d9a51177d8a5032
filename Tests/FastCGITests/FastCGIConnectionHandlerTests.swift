import NIOCore
import NIOEmbedded
import NIOExtras
import Testing

@testable import FastCGI

@Suite("Request assembly and replies")
struct FastCGIConnectionHandlerTests {
    @Test("BEGIN, PARAMS, empty PARAMS, STDIN, empty STDIN make one request", arguments: [true, false])
    func assemblesOneRequest(keepConnection: Bool) throws {
        let harness = try ProtocolHarness()
        let params: KeyValuePairs = ["QUERY_STRING": "IIIF=x.tif/info.json", "REQUEST_METHOD": "POST", "HTTPS": "on"]
        try harness.send(WebServer.request(7, params: params, body: "hello body", keepConnection: keepConnection))
        let requests = try harness.requests()
        try #require(requests.count == 1)
        let request = requests[0].0
        #expect(request.requestID == 7)
        #expect(request.keepConnection == keepConnection)
        #expect(request.params == ["QUERY_STRING": "IIIF=x.tif/info.json", "REQUEST_METHOD": "POST", "HTTPS": "on"])
        #expect(String(buffer: request.body) == "hello body")
        #expect(try harness.written().isEmpty)
        #expect(harness.isOpen)
    }

    @Test("Nothing is dispatched before both streams have ended, in either order")
    func waitsForBothStreams() throws {
        let harness = try ProtocolHarness()
        try harness.send([WebServer.begin(1, keepConnection: true), WebServer.record(.stdin, 1, "b")])
        try harness.send([WebServer.record(.stdin, 1)])
        #expect(try harness.requests().isEmpty)
        try harness.send([WebServer.record(.params, 1)])
        let requests = try harness.requests()
        #expect(requests.map(\.0.params) == [[:]])
        #expect(requests.map { String(buffer: $0.0.body) } == ["b"])
    }

    @Test("Pairs split across PARAMS records at every position are reassembled")
    func pairsSplitAcrossRecords() throws {
        let stream = WebServer.paramsStream([
            "QUERY_STRING": "FIF=image.tif&JTL=3,42",
            String(repeating: "H", count: 200): String(repeating: "v", count: 300),
        ])
        for split in 1..<stream.readableBytes {
            let harness = try ProtocolHarness()
            var rest = stream
            let first = rest.readSlice(length: split) ?? ByteBuffer()
            try harness.send([
                WebServer.begin(3, keepConnection: true),
                FastCGIRecord(type: .params, requestID: 3, content: first),
                FastCGIRecord(type: .params, requestID: 3, content: rest),
                WebServer.record(.params, 3),
                WebServer.record(.stdin, 3),
            ])
            let params = try harness.requests().first?.0.params
            #expect(params?["QUERY_STRING"] == "FIF=image.tif&JTL=3,42", "split at \(split)")
            #expect(params?[String(repeating: "H", count: 200)]?.count == 300, "split at \(split)")
        }
    }

    @Test("Two interleaved requests on one connection are both dispatched and answered")
    func multiplexedRequests() throws {
        let harness = try ProtocolHarness()
        let one = WebServer.request(1, params: ["QUERY_STRING": "one"])
        let two = WebServer.request(2, params: ["QUERY_STRING": "two"])
        try harness.send(zip(one, two).flatMap { [$0, $1] })
        let requests = try harness.requests()
        #expect(requests.map(\.0.requestID) == [1, 2])
        #expect(requests.map { $0.0.params["QUERY_STRING"] } == ["one", "two"])

        let tokens = Dictionary(uniqueKeysWithValues: requests.map { ($0.0.requestID, $0.1) })
        let (token1, token2) = (try #require(tokens[1]), try #require(tokens[2]))
        try harness.respond(.stdout(token2, ByteBuffer(string: "B1")))
        try harness.respond(.stdout(token1, ByteBuffer(string: "A1")))
        try harness.respond(.stdout(token2, ByteBuffer(string: "B2")))
        try harness.respond(.end(token2, failed: false))
        try harness.respond(.stdout(token1, ByteBuffer(string: "A2")))
        try harness.respond(.end(token1, failed: false))
        let records = try harness.written()
        #expect(Wire.stdout(of: 1, in: records) == "A1A2")
        #expect(Wire.stdout(of: 2, in: records) == "B1B2")
        #expect(records.filter { $0.type == .endRequest }.map(\.requestID) == [2, 1])
        #expect(harness.isOpen)
    }

    @Test("A response is split into STDOUT records of at most 65535 bytes, then empty STDOUT, then END_REQUEST")
    func largeResponse() throws {
        let harness = try ProtocolHarness()
        try harness.send(WebServer.request(1, params: [:]))
        let token = try #require(try harness.requests().first?.1)
        let body = Wire.patternedBody(size: 5 * 1024 * 1024)
        try harness.respond(.stdout(token, body))
        try harness.respond(.end(token, failed: false))
        let records = try harness.written()
        try #require(records.count >= 3)
        let stdout = records.dropLast(2)
        #expect(stdout.allSatisfy { $0.type == .stdout && (1...65535).contains($0.content.readableBytes) })
        #expect(stdout.reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1.content) } == body)
        #expect(records[records.count - 2] == WebServer.record(.stdout, 1))
        #expect(Wire.endRequestBody(records[records.count - 1])! == (0, 0))
    }

    @Test("GET_VALUES is answered with exactly the variables asked for")
    func getValues() throws {
        let harness = try ProtocolHarness()
        let query = WebServer.paramsStream(["FCGI_MPXS_CONNS": "", "FCGI_UNKNOWN_NAME": "", "FCGI_MAX_REQS": ""])
        try harness.send([FastCGIRecord(type: .getValues, requestID: 0, content: query)])
        let records = try harness.written()
        try #require(records.count == 1)
        #expect(records[0].type == .getValuesResult)
        #expect(records[0].requestID == 0)
        let values = try FastCGINameValuePairs.decode(records[0].content)
        #expect(values.map(\.name) == ["FCGI_MPXS_CONNS", "FCGI_MAX_REQS"])
        #expect(values.map(\.value) == ["1", String(1024 * 64)])

        try harness.send([FastCGIRecord(type: .getValues, requestID: 0, content: WebServer.paramsStream(["X": ""]))])
        #expect(try harness.written().map(\.content.readableBytes) == [0])
        #expect(harness.isOpen)
    }

    @Test("An unknown management record type is answered with UNKNOWN_TYPE", arguments: [UInt8(1), 3, 6, 42, 255])
    func unknownManagementType(rawType: UInt8) throws {
        let harness = try ProtocolHarness()
        try harness.send([WebServer.record(FastCGIRecordType(rawValue: rawType), 0, "ignored")])
        let expected = FastCGIRecord(
            type: .unknownType,
            requestID: 0,
            content: ByteBuffer(bytes: [rawType, 0, 0, 0, 0, 0, 0, 0])
        )
        #expect(try harness.written() == [expected])
        #expect(harness.isOpen)
    }

    @Test("AUTHORIZER and FILTER roles get END_REQUEST{UNKNOWN_ROLE}; their stream records are ignored")
    func unknownRole() throws {
        for role in [FastCGIRole.authorizer, .filter] {
            let harness = try ProtocolHarness()
            try harness.send([
                WebServer.begin(4, role: role, keepConnection: true),
                WebServer.record(.params, 4, "\u{1}\u{1}ab"),
                WebServer.record(.params, 4),
                WebServer.record(.stdin, 4),
            ])
            #expect(try harness.requests().isEmpty)
            let records = try harness.written()
            try #require(records.count == 1)
            #expect(records[0].requestID == 4)
            #expect(Wire.endRequestBody(records[0])! == (0, 3))
            #expect(harness.isOpen)
        }
    }

    @Test("ABORT_REQUEST before dispatch ends the request without dispatching it")
    func abortBeforeDispatch() throws {
        let harness = try ProtocolHarness()
        try harness.send([
            WebServer.begin(5, keepConnection: true),
            WebServer.record(.params, 5, "\u{1}\u{1}a"),
            WebServer.record(.abortRequest, 5),
            WebServer.record(.params, 5),  // crossed the abort: ignored
        ])
        #expect(try harness.events().isEmpty)
        let records = try harness.written()
        try #require(records.count == 1)
        #expect(records[0].requestID == 5)
        #expect(Wire.endRequestBody(records[0])?.protocolStatus == 0)
        #expect(harness.isOpen)
    }

    @Test("ABORT_REQUEST of a running request ends it, signals the runner and drops later handler output")
    func abortRunningRequest() throws {
        let harness = try ProtocolHarness()
        try harness.send(WebServer.request(5, params: [:]))
        let token = try #require(try harness.requests().first?.1)
        try harness.send([WebServer.record(.abortRequest, 5)])
        let events = try harness.events()
        try #require(events.count == 1)
        guard case .abort(let abortedID) = events[0] else {
            Issue.record("expected an abort event, got \(events[0])")
            return
        }
        #expect(abortedID == 5)
        #expect(throws: CancellationError.self) {
            try harness.respond(.stdout(token, ByteBuffer(string: "too late")))
        }
        try harness.respond(.end(token, failed: false))
        let records = try harness.written()
        try #require(records.count == 1)
        #expect(Wire.endRequestBody(records[0])?.protocolStatus == 0)

        // The id may be reused at once.
        try harness.send(WebServer.request(5, params: ["QUERY_STRING": "again"]))
        #expect(try harness.requests().map { $0.0.params["QUERY_STRING"] } == ["again"])
    }

    @Test("A handler that fails before writing gets a minimal 500 response and appStatus 1")
    func failedHandler() throws {
        let harness = try ProtocolHarness()
        try harness.send(WebServer.request(1, params: [:]))
        let token = try #require(try harness.requests().first?.1)
        try harness.respond(.end(token, failed: true))
        let records = try harness.written()
        #expect(records.map(\.type) == [.stdout, .stdout, .endRequest])
        #expect(Wire.stdout(of: 1, in: records).hasPrefix("Status: 500"))
        #expect(Wire.endRequestBody(records[2])! == (1, 0))
    }

    @Test("Without FCGI_KEEP_CONN the connection closes after END_REQUEST; with it, it stays open")
    func keepConnection() throws {
        for keep in [true, false] {
            let harness = try ProtocolHarness()
            try harness.send(WebServer.request(1, params: [:], keepConnection: keep))
            let token = try #require(try harness.requests().first?.1)
            try harness.respond(.stdout(token, ByteBuffer(string: "Status: 200 OK\r\n\r\nok")))
            #expect(harness.isOpen)
            try harness.respond(.end(token, failed: false))
            #expect(try harness.written().last?.type == .endRequest)
            #expect(harness.isOpen == keep)
        }
    }

    @Test("Requests past maxRequestsPerConnection are answered with OVERLOADED")
    func overloaded() throws {
        var configuration = FastCGIServerConfiguration.testing
        configuration.maxRequestsPerConnection = 2
        let harness = try ProtocolHarness(configuration: configuration)
        try harness.send([
            WebServer.begin(1, keepConnection: true), WebServer.begin(2, keepConnection: true),
            WebServer.begin(3, keepConnection: true), WebServer.record(.params, 3), WebServer.record(.stdin, 3),
        ])
        let records = try harness.written()
        try #require(records.count == 1)
        #expect(records[0].requestID == 3)
        #expect(Wire.endRequestBody(records[0])?.protocolStatus == 2)
        #expect(harness.isOpen)
    }

    @Test("On quiesce an idle connection closes at once")
    func quiesceIdle() throws {
        let harness = try ProtocolHarness()
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!harness.isOpen)
    }

    @Test("On quiesce a busy connection finishes its request, refuses new ones, then closes")
    func quiesceBusy() throws {
        let harness = try ProtocolHarness()
        try harness.send(WebServer.request(1, params: [:]))
        let token = try #require(try harness.requests().first?.1)
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(harness.isOpen)
        try harness.send([WebServer.begin(2, keepConnection: true)])
        let refused = try harness.written()
        #expect(refused.count == 1)
        #expect(refused.first.flatMap(Wire.endRequestBody)?.protocolStatus == 2)
        try harness.respond(.stdout(token, ByteBuffer(string: "done")))
        try harness.respond(.end(token, failed: false))
        #expect(Wire.stdout(of: 1, in: try harness.written()) == "done")
        #expect(!harness.isOpen)
    }
}
