import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Synchronization

@testable import FastCGI

/// Builders for the records a web server sends.
enum WebServer {
    static func begin(_ requestID: UInt16, role: FastCGIRole = .responder, keepConnection: Bool) -> FastCGIRecord {
        let body = FastCGIBeginRequest(role: role, keepConnection: keepConnection)
        return FastCGIRecord(type: .beginRequest, requestID: requestID, content: body.content)
    }

    static func record(_ type: FastCGIRecordType, _ requestID: UInt16, _ content: String = "") -> FastCGIRecord {
        FastCGIRecord(type: type, requestID: requestID, content: ByteBuffer(string: content))
    }

    static func paramsStream(_ params: KeyValuePairs<String, String>) -> ByteBuffer {
        var buffer = ByteBuffer()
        for (name, value) in params {
            FastCGINameValuePairs.encode(name: name, value: value, into: &buffer)
        }
        return buffer
    }

    /// BEGIN_REQUEST, PARAMS, empty PARAMS, STDIN (if any), empty STDIN.
    static func request(
        _ requestID: UInt16,
        params: KeyValuePairs<String, String>,
        body: String = "",
        keepConnection: Bool = true
    ) -> [FastCGIRecord] {
        var records = [begin(requestID, keepConnection: keepConnection)]
        let stream = paramsStream(params)
        if stream.readableBytes > 0 {  // an empty record would end the stream early
            records.append(FastCGIRecord(type: .params, requestID: requestID, content: stream))
        }
        records.append(record(.params, requestID))
        if !body.isEmpty {
            records.append(record(.stdin, requestID, body))
        }
        records.append(record(.stdin, requestID))
        return records
    }
}

enum Wire {
    static func encode(_ records: [FastCGIRecord]) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for record in records {
            try FastCGIRecordEncoder().encode(data: record, out: &buffer)
        }
        return buffer
    }

    /// Decodes whole records; fails if bytes are left over.
    static func decode(_ buffer: ByteBuffer) throws -> [FastCGIRecord] {
        var buffer = buffer
        var decoder = FastCGIRecordDecoder()
        var records: [FastCGIRecord] = []
        while let record = try decoder.decode(buffer: &buffer) {
            records.append(record)
        }
        guard buffer.readableBytes == 0 else {
            throw TestFailure("\(buffer.readableBytes) bytes left after decoding")
        }
        return records
    }

    /// `size` bytes of a pattern whose period (65521, prime) is not aligned with record boundaries.
    static func patternedBody(size: Int) -> ByteBuffer {
        let period = (0..<65521).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        var body = ByteBuffer()
        body.reserveCapacity(size)
        while body.readableBytes < size {
            body.writeBytes(period.prefix(size - body.readableBytes))
        }
        return body
    }

    static func endRequestBody(_ record: FastCGIRecord) -> (appStatus: UInt32, protocolStatus: UInt8)? {
        guard record.type == .endRequest, record.content.readableBytes == 8 else {
            return nil
        }
        return record.content.getMultipleIntegers(at: record.content.readerIndex, as: (UInt32, UInt8).self)
    }

    /// The concatenated STDOUT content of `requestID`.
    static func stdout(of requestID: UInt16, in records: [FastCGIRecord]) -> String {
        var body = ByteBuffer()
        for record in records where record.type == .stdout && record.requestID == requestID {
            body.writeImmutableBuffer(record.content)
        }
        return String(buffer: body)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) {
        self.description = description
    }
}

let testLogger: Logger = {
    var logger = Logger(label: "FastCGITests")
    logger.logLevel = .critical
    return logger
}()

extension FastCGIServerConfiguration {
    static let testing = FastCGIServerConfiguration(address: .tcp(host: "127.0.0.1", port: 0))
}

/// An EmbeddedChannel with the server's pipeline below the async bridge: codec and protocol handler.
struct ProtocolHarness {
    let channel: EmbeddedChannel

    init(configuration: FastCGIServerConfiguration = .testing, logger: Logger = testLogger) throws {
        channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(FastCGIRecordDecoder()),
            FastCGIRecordWriter(),
            FastCGIConnectionHandler(configuration: configuration, logger: logger)
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()
    }

    func send(_ records: [FastCGIRecord]) throws {
        try send(Wire.encode(records))
    }

    func send(_ bytes: ByteBuffer) throws {
        try channel.writeInbound(bytes)
    }

    func events() throws -> [FastCGIConnectionEvent] {
        var events: [FastCGIConnectionEvent] = []
        while let event = try channel.readInbound(as: FastCGIConnectionEvent.self) {
            events.append(event)
        }
        return events
    }

    func requests() throws -> [(FastCGIRequest, FastCGIRequestToken)] {
        try events().compactMap { event in
            if case .request(let request, let token) = event { (request, token) } else { nil }
        }
    }

    func respond(_ part: FastCGIResponsePart) throws {
        try channel.writeOutbound(part)
    }

    /// Every record written to the wire so far.
    func written() throws -> [FastCGIRecord] {
        var bytes = ByteBuffer()
        while var chunk = try channel.readOutbound(as: ByteBuffer.self) {
            bytes.writeBuffer(&chunk)
        }
        return try Wire.decode(bytes)
    }

    var isOpen: Bool {
        channel.isActive
    }
}

/// Collects log entries so tests can check what was logged.
final class LogRecorder: Sendable {
    private let entries = NIOLockedValueBox<[(level: Logger.Level, message: String)]>([])

    var recorded: [(level: Logger.Level, message: String)] {
        entries.withLockedValue { $0 }
    }

    func makeLogger() -> Logger {
        Logger(label: "FastCGITests.recorded") { _ in RecordingLogHandler(recorder: self) }
    }

    fileprivate func append(_ level: Logger.Level, _ message: String) {
        entries.withLockedValue { $0.append((level, message)) }
    }
}

private struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(event.level, "\(event.message)")
    }
}

/// A flag set from one task and read from another.
final class Flag: Sendable {
    private let state = Atomic<Bool>(false)

    var isSet: Bool {
        state.load(ordering: .acquiring)
    }

    func set() {
        state.store(true, ordering: .releasing)
    }
}
