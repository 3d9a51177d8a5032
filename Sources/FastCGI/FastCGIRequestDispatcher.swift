import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The end of a connection's pipeline: starts one task per request and carries its answer back to the event loop.
///
/// Each request costs one task and two crossings between the event loop and the task: in, when the task starts,
/// and out, when its answer (held back up to ``holdLimit`` bytes) is written together with END_REQUEST.
///
/// ABORT_REQUEST cancels the request's task; the connection closing cancels them all. ``finished`` completes once
/// the connection is closed and every task it started has returned.
final class FastCGIRequestDispatcher: ChannelInboundHandler {
    typealias InboundIn = FastCGIConnectionEvent
    typealias OutboundOut = FastCGIResponsePart

    /// Bytes of response held back before they are sent: a tile or a document with its head goes out in one write.
    static let holdLimit = 64 * 1024

    private let handler: FastCGIHandler
    private let logger: Logger
    private let finishedPromise: EventLoopPromise<Void>
    /// Every task started and not yet returned, including aborted ones.
    private var tasks: [FastCGIRequestToken: Task<Void, Never>] = [:]
    /// The task answering each request id now, so that ABORT_REQUEST cancels exactly that one.
    private var current: [UInt16: FastCGIRequestToken] = [:]
    /// Tasks waiting for the channel to become writable again.
    private var writabilityWaiters: [EventLoopPromise<Void>] = []
    private var context: ChannelHandlerContext?
    private var isClosed = false

    /// Completes once the connection has closed and all its tasks have returned.
    var finished: EventLoopFuture<Void> { finishedPromise.futureResult }

    init(handler: @escaping FastCGIHandler, logger: Logger, eventLoop: any EventLoop) {
        self.handler = handler
        self.logger = logger
        self.finishedPromise = eventLoop.makePromise()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        close()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        close()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            let waiters = writabilityWaiters
            writabilityWaiters = []
            for waiter in waiters {
                waiter.succeed()
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .request(let request, let token):
            start(request, token: token, eventLoop: context.eventLoop)
        case .abort(let requestID):
            if let token = current.removeValue(forKey: requestID) {
                tasks[token]?.cancel()
            }
        }
    }

    private func start(_ request: FastCGIRequest, token: FastCGIRequestToken, eventLoop: any EventLoop) {
        guard !isClosed else {
            return
        }
        let outlet = FastCGIResponseOutlet(dispatcher: NIOLoopBound(self, eventLoop: eventLoop), token: token)
        let handler = self.handler
        let logger = self.logger
        current[request.requestID] = token
        tasks[token] = Task {
            await outlet.respond(to: request, with: handler, logger: logger)
        }
    }

    /// Writes `parts` of the response for `token`, then completes `promise` once the connection can take more.
    fileprivate func send(_ parts: [ByteBuffer], token: FastCGIRequestToken, promise: EventLoopPromise<Void>) {
        guard let context, !isClosed else {
            promise.fail(ChannelError.ioOnClosedChannel)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            context.write(wrapOutboundOut(.stdout(token, part)), promise: isLast ? written : nil)
        }
        context.flush()
        if context.channel.isWritable {
            written.futureResult.cascade(to: promise)
        } else {
            writabilityWaiters.append(promise)
        }
    }

    /// Writes what is left of the response for `token` and ends it, unless `aborted`; forgets the task.
    fileprivate func finish(
        _ token: FastCGIRequestToken,
        requestID: UInt16,
        rest: [ByteBuffer],
        failed: Bool,
        aborted: Bool
    ) {
        if !aborted, let context, !isClosed {
            for part in rest {
                context.write(wrapOutboundOut(.stdout(token, part)), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(token, failed: failed)), promise: nil)
        }
        tasks[token] = nil
        if current[requestID] == token {
            current[requestID] = nil
        }
        if isClosed && tasks.isEmpty {
            finishedPromise.succeed()
        }
    }

    /// The connection is gone: nobody can receive the remaining answers, so their tasks are cancelled.
    private func close() {
        guard !isClosed else {
            return
        }
        isClosed = true
        current = [:]
        let waiters = writabilityWaiters
        writabilityWaiters = []
        for waiter in waiters {
            waiter.fail(ChannelError.ioOnClosedChannel)
        }
        for task in tasks.values {
            task.cancel()
        }
        if tasks.isEmpty {
            finishedPromise.succeed()
        }
    }
}

/// What a request's task holds of its connection: a way back to the dispatcher on the event loop.
private struct FastCGIResponseOutlet: Sendable {
    /// Response parts written and not sent yet.
    private struct HeldOutput {
        var parts: [ByteBuffer] = []
        var bytes = 0
    }

    let dispatcher: NIOLoopBound<FastCGIRequestDispatcher>
    let token: FastCGIRequestToken

    func respond(to request: FastCGIRequest, with handler: FastCGIHandler, logger: Logger) async {
        // Parts written are held back until they pass `holdLimit` bytes, and what is held at the end is sent with
        // END_REQUEST: an answer of a head and a body (a tile) costs one crossing to the event loop and one flush.
        let held = NIOLockedValueBox(HeldOutput())
        let writer = FastCGIResponseWriter { buffer in
            let ready = held.withLockedValue { held -> [ByteBuffer]? in
                held.parts.append(buffer)
                held.bytes += buffer.readableBytes
                guard held.bytes > FastCGIRequestDispatcher.holdLimit else { return nil }
                defer { held = HeldOutput() }
                return held.parts
            }
            guard let ready else { return }
            try await send(ready)
        }
        var failed = false
        do {
            try await handler(request, writer)
        } catch {
            failed = true
            if !Task.isCancelled {
                logger.error(
                    "FastCGI handler failed",
                    metadata: ["request": "\(request.requestID)", "error": "\(error)"]
                )
            }
        }
        // Aborted (END_REQUEST already sent) or the connection is closing: nothing more is written.
        let aborted = Task.isCancelled
        let rest = held.withLockedValue { $0.parts }
        let dispatcher = self.dispatcher
        let token = self.token
        let requestID = request.requestID
        dispatcher.eventLoop.execute {
            dispatcher.value.finish(token, requestID: requestID, rest: rest, failed: failed, aborted: aborted)
        }
    }

    private func send(_ parts: [ByteBuffer]) async throws {
        let dispatcher = self.dispatcher
        let token = self.token
        let promise = dispatcher.eventLoop.makePromise(of: Void.self)
        dispatcher.eventLoop.execute {
            dispatcher.value.send(parts, token: token, promise: promise)
        }
        try await promise.futureResult.get()
    }
}
