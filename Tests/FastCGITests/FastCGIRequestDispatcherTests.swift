import NIOCore
import NIOEmbedded
import Testing

@testable import FastCGI

/// Runs the real connection pipeline, dispatcher included, on a NIOAsyncTestingChannel.
struct RunnerHarness {
    let channel: NIOAsyncTestingChannel
    private let received = RecordCollector()

    static func run(
        configuration: FastCGIServerConfiguration = .testing,
        gate: FastCGIRequestGate? = nil,
        handler: @escaping FastCGIHandler,
        _ body: (RunnerHarness) async throws -> Void
    ) async throws {
        let channel = NIOAsyncTestingChannel()
        let connection = try await channel.testingEventLoop.executeInContext {
            try FastCGIChannelInitializer.configure(
                channel,
                configuration: configuration,
                logger: testLogger,
                gate: gate,
                handler: handler
            )
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await connection.finished.get()
            }
            try await body(RunnerHarness(channel: channel))
            try? await channel.close()
            try await group.waitForAll()
        }
    }

    func send(_ records: [FastCGIRecord]) async throws {
        try await channel.writeInbound(Wire.encode(records))
    }

    /// Reads the next written record.
    func nextRecord() async throws -> FastCGIRecord {
        try await received.next(from: channel)
    }

    /// Reads written records until END_REQUEST has been seen for every id in `requestIDs`.
    func records(untilEndOf requestIDs: Set<UInt16>) async throws -> [FastCGIRecord] {
        var pending = requestIDs
        var records: [FastCGIRecord] = []
        while !pending.isEmpty {
            let record = try await received.next(from: channel)
            records.append(record)
            if record.type == .endRequest {
                pending.remove(record.requestID)
            }
        }
        return records
    }
}

/// Decodes the outbound byte stream of a testing channel incrementally.
final class RecordCollector: @unchecked Sendable {
    // Only used from the one test task that owns the harness.
    private var buffer = ByteBuffer()
    private var decoder = FastCGIRecordDecoder()

    func next(from channel: NIOAsyncTestingChannel) async throws -> FastCGIRecord {
        while true {
            if let record = try decoder.decode(buffer: &buffer) {
                return record
            }
            var chunk = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            buffer.writeBuffer(&chunk)
        }
    }
}

/// A one-shot signal between a handler and the test.
final class Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    }

    func fire() {
        continuation.yield()
        continuation.finish()
    }

    func wait() async {
        for await _ in stream {
            return
        }
    }
}

/// Suspends until the current task is cancelled, without polling or sleeping.
func waitUntilCancelled() async {
    let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    await withTaskCancellationHandler {
        for await _ in stream {}
    } onCancel: {
        continuation.finish()
    }
}

@Suite("Handler execution", .timeLimit(.minutes(1)))
struct FastCGIRequestDispatcherTests {
    @Test("The handler gets the request and its writes become STDOUT records")
    func echo() async throws {
        try await RunnerHarness.run { request, writer in
            try await writer.write(ByteBuffer(string: "Status: 200 OK\r\n\r\n"))
            try await writer.write(ByteBuffer(string: request.params["QUERY_STRING"] ?? "-"))
        } _: { harness in
            try await harness.send(WebServer.request(1, params: ["QUERY_STRING": "FIF=x.tif&OBJ=IIP,1.0"]))
            let records = try await harness.records(untilEndOf: [1])
            #expect(Wire.stdout(of: 1, in: records) == "Status: 200 OK\r\n\r\nFIF=x.tif&OBJ=IIP,1.0")
            #expect(records.suffix(2).map(\.type) == [.stdout, .endRequest])
            #expect(records.last.flatMap(Wire.endRequestBody)! == (0, 0))
        }
    }

    @Test("A 5 MB response arrives as STDOUT records of at most 65535 bytes, then empty STDOUT, then END_REQUEST")
    func fiveMegabytes() async throws {
        let body = Wire.patternedBody(size: 5 * 1024 * 1024)
        let header = ByteBuffer(string: "Status: 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        try await RunnerHarness.run { [body] _, writer in
            try await writer.write(header)
            var rest = body
            while let part = rest.readSlice(length: min(rest.readableBytes, 1_000_000)), part.readableBytes > 0 {
                try await writer.write(part)
            }
        } _: { harness in
            try await harness.send(WebServer.request(1, params: [:]))
            let records = try await harness.records(untilEndOf: [1])
            let stdout = records.dropLast(2)
            #expect(stdout.allSatisfy { $0.type == .stdout && (1...65535).contains($0.content.readableBytes) })
            var expected = header
            expected.writeImmutableBuffer(body)
            #expect(stdout.reduce(into: ByteBuffer()) { $0.writeImmutableBuffer($1.content) } == expected)
            #expect(records[records.count - 2] == WebServer.record(.stdout, 1))
            #expect(records.last?.type == .endRequest)
        }
    }

    @Test("Multiplexed requests run concurrently")
    func concurrentHandlers() async throws {
        let secondStarted = Signal()
        try await RunnerHarness.run { request, writer in
            if request.requestID == 1 {
                await secondStarted.wait()  // would deadlock if the handlers ran one after the other
            } else {
                secondStarted.fire()
            }
            try await writer.write(ByteBuffer(string: "id \(request.requestID)"))
        } _: { harness in
            try await harness.send(WebServer.request(1, params: ["A": "1"]) + WebServer.request(2, params: ["A": "2"]))
            let records = try await harness.records(untilEndOf: [1, 2])
            #expect(Wire.stdout(of: 1, in: records) == "id 1")
            #expect(Wire.stdout(of: 2, in: records) == "id 2")
        }
    }

    @Test("ABORT_REQUEST cancels the running handler and is answered without handler output")
    func abortCancelsHandler() async throws {
        let started = Signal()
        let cancelled = Signal()
        try await RunnerHarness.run { _, writer in
            started.fire()
            await waitUntilCancelled()
            cancelled.fire()
            try? await writer.write(ByteBuffer(string: "written after abort"))
        } _: { harness in
            try await harness.send(WebServer.request(3, params: [:]))
            await started.wait()
            try await harness.send([WebServer.record(.abortRequest, 3)])
            let records = try await harness.records(untilEndOf: [3])
            #expect(records.map(\.type) == [.endRequest])
            #expect(records.first.flatMap(Wire.endRequestBody)?.protocolStatus == 0)
            await cancelled.wait()
            // The connection still works, and the id can be reused.
            let query = WebServer.paramsStream(["FCGI_MPXS_CONNS": ""])
            try await harness.send([FastCGIRecord(type: .getValues, requestID: 0, content: query)])
            #expect(try await harness.nextRecord().type == .getValuesResult)
        }
    }

    @Test("A handler that throws after writing still ends the request, with appStatus 1")
    func throwingHandler() async throws {
        try await RunnerHarness.run { _, writer in
            try await writer.write(ByteBuffer(string: "Status: 200 OK\r\n\r\npartial"))
            throw TestFailure("decoder exploded")
        } _: { harness in
            try await harness.send(WebServer.request(1, params: [:]))
            let records = try await harness.records(untilEndOf: [1])
            #expect(Wire.stdout(of: 1, in: records) == "Status: 200 OK\r\n\r\npartial")
            #expect(records.suffix(2).map(\.type) == [.stdout, .endRequest])
            #expect(records.last.flatMap(Wire.endRequestBody)! == (1, 0))
        }
    }

    @Test("keepConnection=false closes the channel after END_REQUEST; true serves the next request")
    func keepConnection() async throws {
        let handler: FastCGIHandler = { request, writer in
            try await writer.write(ByteBuffer(string: request.params["N"] ?? ""))
        }
        try await RunnerHarness.run(handler: handler) { harness in
            try await harness.send(WebServer.request(1, params: ["N": "first"], keepConnection: true))
            #expect(Wire.stdout(of: 1, in: try await harness.records(untilEndOf: [1])) == "first")
            #expect(harness.channel.isActive)
            try await harness.send(WebServer.request(1, params: ["N": "second"], keepConnection: false))
            #expect(Wire.stdout(of: 1, in: try await harness.records(untilEndOf: [1])) == "second")
            try await harness.channel.closeFuture.get()
        }
    }

    @Test("Handler writes wait while the channel is not writable")
    func backpressure() async throws {
        let started = Signal()
        let writeReturned = Flag()
        try await RunnerHarness.run { _, writer in
            started.fire()
            // Parts are held until they pass the hold limit; the write that passes it sends them, and waits.
            try await writer.write(ByteBuffer(string: "Status: 200 OK\r\n\r\n"))
            let body = String(repeating: "x", count: FastCGIRequestDispatcher.holdLimit) + "after backpressure"
            try await writer.write(ByteBuffer(string: body))
            writeReturned.set()
        } _: { harness in
            harness.channel.isWritable = false
            harness.channel.pipeline.fireChannelWritabilityChanged()
            try await harness.send(WebServer.request(1, params: [:]))
            await started.wait()
            for _ in 0..<100 {
                await Task.yield()
            }
            #expect(!writeReturned.isSet)
            harness.channel.isWritable = true
            harness.channel.pipeline.fireChannelWritabilityChanged()
            let records = try await harness.records(untilEndOf: [1])
            #expect(writeReturned.isSet)
            #expect(Wire.stdout(of: 1, in: records).hasSuffix("after backpressure"))
        }
    }

    @Test("A connection is finished only once an aborted handler has returned, even after the connection closed")
    func finishedWaitsForAbortedHandlers() async throws {
        let started = Signal()
        let release = Signal()
        let handlerReturned = Flag()
        let channel = NIOAsyncTestingChannel()
        let connection = try await channel.testingEventLoop.executeInContext {
            try FastCGIChannelInitializer.configure(
                channel,
                configuration: .testing,
                logger: testLogger
            ) { _, _ in
                started.fire()
                // An unstructured task does not inherit the cancellation: the handler ignores its abort until the
                // test lets it go.
                await Task { await release.wait() }.value
                handlerReturned.set()
            }
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000))
        let finished = Flag()
        let waiting = Task {
            try? await connection.finished.get()
            finished.set()
        }
        try await channel.writeInbound(Wire.encode(WebServer.request(1, params: [:])))
        await started.wait()
        try await channel.writeInbound(Wire.encode([WebServer.record(.abortRequest, 1)]))
        try await channel.close()
        for _ in 0..<100 {
            await Task.yield()
        }
        #expect(!finished.isSet)
        release.fire()
        await waiting.value
        #expect(handlerReturned.isSet)
    }

    @Test("When the connection closes, running handlers are cancelled and the connection finishes")
    func connectionCloseCancelsHandlers() async throws {
        let started = Signal()
        let cancelled = Signal()
        try await RunnerHarness.run { _, _ in
            started.fire()
            await waitUntilCancelled()
            cancelled.fire()
        } _: { harness in
            try await harness.send(WebServer.request(1, params: [:]))
            await started.wait()
            try await harness.channel.close()
            await cancelled.wait()
        }
    }
}
