import Logging
import NIOCore
import NIOExtras

/// The protocol state of one connection, between the record codec and the task that runs handlers.
///
/// Inbound, it assembles records into ``FastCGIRequest``s per request id (so requests may be multiplexed), answers
/// management records, rejects unsupported roles and excess requests, and turns ABORT_REQUEST into an END_REQUEST
/// plus an abort event. Outbound, it splits response bytes into STDOUT records and ends each request.
///
/// Limits and errors: a PARAMS stream over `maxParamsBytes`, a body over `maxBodyBytes` or any protocol violation
/// closes the connection after one log line, without writing anything more. A BEGIN_REQUEST past
/// `maxRequestsPerConnection`, or after the connection started to wind down, is answered with
/// END_REQUEST{OVERLOADED}.
///
/// A request must arrive within `requestReadTimeout` of its BEGIN_REQUEST, and a new connection must send its first
/// record within it; otherwise the connection is closed with a log line (slow or stalled peers hold nothing).
///
/// The connection closes once it is idle (no request in flight, all replies flushed) after a request without
/// `FCGI_KEEP_CONN` has ended, or after a `ChannelShouldQuiesceEvent` (graceful shutdown).
final class FastCGIConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = FastCGIRecord
    typealias InboundOut = FastCGIConnectionEvent
    typealias OutboundIn = FastCGIResponsePart
    typealias OutboundOut = FastCGIRecord

    /// The body sent when a handler throws before writing anything.
    static let failureResponse = "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n"

    private enum Slot {
        case assembling(FastCGIPartialRequest)
        case running(FastCGIRequestToken)
    }

    private struct Response {
        let requestID: UInt16
        let keepConnection: Bool
        var hasOutput = false
    }

    private let configuration: FastCGIServerConfiguration
    private let logger: Logger
    /// Request ids in flight: being received, or dispatched and not yet ended.
    private var slots: [UInt16: Slot] = [:]
    /// Dispatched requests whose END_REQUEST has not been written.
    private var responses: [FastCGIRequestToken: Response] = [:]
    /// Ids already answered (rejected or aborted) whose stray stream records are dropped until the next BEGIN.
    private var ignoredRequestIDs: Set<UInt16> = []
    private var nextToken: UInt64 = 0
    private var closeWhenIdle = false
    /// Set once the connection is closing: nothing more is read or written.
    private var isClosing = false
    /// Completes once everything written so far is on the wire (writes complete in order).
    private var lastWrite: EventLoopFuture<Void>?
    /// When each request still being received began, and when the connection opened while no record has come:
    /// the read deadline (`requestReadTimeout`) counts from the oldest.
    private var receivingSince: [UInt16: NIODeadline] = [:]
    private var openedAt: NIODeadline? = .now()
    private var readDeadline: Scheduled<Void>?

    init(configuration: FastCGIServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: Inbound

    func handlerAdded(context: ChannelHandlerContext) {
        armReadDeadline(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        readDeadline?.cancel()
        readDeadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isClosing else {
            return
        }
        openedAt = nil
        let record = unwrapInboundIn(data)
        do {
            if record.isManagementRecord {
                try answerManagementRecord(record, context: context)
            } else {
                try handleRequestRecord(record, context: context)
            }
        } catch {
            fail(error, context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        closeWhenIdle = true
        closeIfIdle(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is FastCGIProtocolError {
            fail(error, context: context)
        } else if !isClosing {
            logger.debug("FastCGI connection error", metadata: ["error": "\(error)"])
            isClosing = true
            context.close(promise: nil)
        }
    }

    private func handleRequestRecord(_ record: FastCGIRecord, context: ChannelHandlerContext) throws {
        switch record.type {
        case .beginRequest:
            try begin(record, context: context)
        case .abortRequest:
            abort(requestID: record.requestID, context: context)
        case .params, .stdin, .data:
            try append(record, context: context)
        default:
            throw FastCGIProtocolError.unexpectedRecord(type: record.type, requestID: record.requestID)
        }
    }

    private func begin(_ record: FastCGIRecord, context: ChannelHandlerContext) throws {
        let requestID = record.requestID
        guard slots[requestID] == nil else {
            throw FastCGIProtocolError.duplicateBeginRequest(requestID: requestID)
        }
        let begin = try FastCGIBeginRequest(parsing: record)
        ignoredRequestIDs.remove(requestID)
        if begin.role != .responder {
            reject(requestID, status: .unknownRole, keepConnection: begin.keepConnection, context: context)
        } else if closeWhenIdle || slots.count >= configuration.maxRequestsPerConnection {
            reject(requestID, status: .overloaded, keepConnection: begin.keepConnection, context: context)
        } else {
            let partial = FastCGIPartialRequest(requestID: requestID, keepConnection: begin.keepConnection)
            slots[requestID] = .assembling(partial)
            receivingSince[requestID] = .now()
            armReadDeadline(context: context)
        }
    }

    private func reject(
        _ requestID: UInt16,
        status: FastCGIProtocolStatus,
        keepConnection: Bool,
        context: ChannelHandlerContext
    ) {
        logger.debug("FastCGI request rejected", metadata: ["request": "\(requestID)", "status": "\(status)"])
        ignoredRequestIDs.insert(requestID)
        endRequest(requestID, appStatus: 0, status: status, keepConnection: keepConnection, context: context)
    }

    private func abort(requestID: UInt16, context: ChannelHandlerContext) {
        let keepConnection: Bool
        switch slots.removeValue(forKey: requestID) {
        case nil:
            return  // already ended or rejected: the abort crossed our END_REQUEST
        case .assembling(let partial)?:
            keepConnection = partial.keepConnection
            receivingSince[requestID] = nil
        case .running(let token)?:
            keepConnection = responses.removeValue(forKey: token)?.keepConnection ?? true
            context.fireChannelRead(wrapInboundOut(.abort(requestID: requestID)))
        }
        ignoredRequestIDs.insert(requestID)
        endRequest(requestID, appStatus: 1, status: .requestComplete, keepConnection: keepConnection, context: context)
    }

    private func append(_ record: FastCGIRecord, context: ChannelHandlerContext) throws {
        let requestID = record.requestID
        // Moved out of the table so that appending does not copy the buffers.
        guard case .assembling(var partial)? = slots.removeValue(forKey: requestID) else {
            if ignoredRequestIDs.contains(requestID) {
                return
            }
            throw FastCGIProtocolError.unexpectedRecord(type: record.type, requestID: requestID)
        }
        switch record.type {
        case .params:
            try partial.appendParams(record.content, limit: configuration.maxParamsBytes)
        case .stdin:
            try partial.appendStdin(record.content, limit: configuration.maxBodyBytes)
        default:
            break  // DATA belongs to the FILTER role; a responder ignores it
        }
        guard let request = partial.completeRequest else {
            slots[requestID] = .assembling(partial)
            return
        }
        receivingSince[requestID] = nil
        let token = FastCGIRequestToken(value: nextToken)
        nextToken &+= 1
        slots[requestID] = .running(token)
        responses[token] = Response(requestID: requestID, keepConnection: request.keepConnection)
        context.fireChannelRead(wrapInboundOut(.request(request, token)))
    }

    private func answerManagementRecord(_ record: FastCGIRecord, context: ChannelHandlerContext) throws {
        let reply: FastCGIRecord
        if record.type == .getValues {
            let known = configuration.managementValues
            let asked = try FastCGINameValuePairs.decode(record.content)
            reply = .getValuesResult(asked.compactMap { pair in known[pair.name].map { (pair.name, $0) } })
        } else {
            reply = .unknownType(record.type)
        }
        lastWrite = context.write(wrapOutboundOut(reply))
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .stdout(let token, let buffer):
            writeStdout(buffer, token: token, context: context, promise: promise)
        case .end(let token, let failed):
            finish(token, failed: failed, context: context, promise: promise)
        }
    }

    private func writeStdout(
        _ buffer: ByteBuffer,
        token: FastCGIRequestToken,
        context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>?
    ) {
        guard !isClosing, var response = responses[token] else {
            promise?.fail(CancellationError())  // aborted, or the connection failed
            return
        }
        guard buffer.readableBytes > 0 else {
            promise?.succeed()  // an empty STDOUT record would end the stream
            return
        }
        response.hasOutput = true
        responses[token] = response
        var remaining = buffer
        while remaining.readableBytes > FastCGIRecord.maxContentLength,
            let chunk = remaining.readSlice(length: FastCGIRecord.maxContentLength)
        {
            let record = FastCGIRecord(type: .stdout, requestID: response.requestID, content: chunk)
            context.write(wrapOutboundOut(record), promise: nil)
        }
        let last = FastCGIRecord(type: .stdout, requestID: response.requestID, content: remaining)
        context.write(wrapOutboundOut(last), promise: promise)
    }

    private func finish(
        _ token: FastCGIRequestToken,
        failed: Bool,
        context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>?
    ) {
        guard !isClosing, let response = responses.removeValue(forKey: token) else {
            promise?.succeed()  // aborted: END_REQUEST has already been sent
            return
        }
        let requestID = response.requestID
        if case .running(token)? = slots[requestID] {
            slots[requestID] = nil
        }
        if failed && !response.hasOutput {
            let content = ByteBuffer(string: Self.failureResponse)
            let record = FastCGIRecord(type: .stdout, requestID: requestID, content: content)
            context.write(wrapOutboundOut(record), promise: nil)
        }
        context.write(wrapOutboundOut(FastCGIRecord(type: .stdout, requestID: requestID)), promise: nil)
        endRequest(
            requestID,
            appStatus: failed ? 1 : 0,
            status: .requestComplete,
            keepConnection: response.keepConnection,
            context: context,
            promise: promise
        )
    }

    // MARK: Ending requests and the connection

    private func endRequest(
        _ requestID: UInt16,
        appStatus: UInt32,
        status: FastCGIProtocolStatus,
        keepConnection: Bool,
        context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>? = nil
    ) {
        let record = FastCGIRecord.endRequest(requestID: requestID, appStatus: appStatus, protocolStatus: status)
        let written = context.write(wrapOutboundOut(record))
        written.cascade(to: promise)
        lastWrite = written
        if !keepConnection {
            closeWhenIdle = true
        }
        closeIfIdle(context: context)
    }

    /// Closes the connection once all replies are on the wire, if it is winding down and nothing is in flight.
    private func closeIfIdle(context: ChannelHandlerContext) {
        guard closeWhenIdle, slots.isEmpty, !isClosing else {
            return
        }
        isClosing = true
        let channel = context.channel
        if let lastWrite {
            context.flush()
            lastWrite.whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    /// Schedules the check of the oldest request still arriving (or of a connection that sent nothing yet).
    private func armReadDeadline(context: ChannelHandlerContext) {
        guard readDeadline == nil, let timeout = configuration.requestReadTimeout,
            let oldest = receivingSince.values.min() ?? openedAt
        else { return }
        readDeadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: oldest + timeout) {
            self.readDeadline = nil
            guard !self.isClosing, let oldest = self.receivingSince.values.min() ?? self.openedAt else { return }
            guard oldest + timeout <= .now() else {
                self.armReadDeadline(context: context)
                return
            }
            self.isClosing = true
            self.logger.warning(
                "Closing a FastCGI connection whose request did not arrive in time",
                metadata: ["seconds": "\(Double(timeout.nanoseconds) / 1e9)"])
            context.close(promise: nil)
        }
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        guard !isClosing else {
            return
        }
        isClosing = true
        logger.notice("Closing FastCGI connection after a protocol error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
