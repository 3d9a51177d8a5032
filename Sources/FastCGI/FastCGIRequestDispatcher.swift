import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The end of a connection's pipeline: starts one task per request and carries its answer back to the event loop.
///
/// Each request costs one task and two crossings between the event loop and the task: in, when the task starts,
/// and out, when its answer (held back up to ``holdLimit`` bytes) is written together with END_REQUEST.
///
/// With a ``FastCGIRequestGate``, a request that finds the server's requests in flight at their bound waits as it is,
/// without a task, until the gate lets it through.
///
/// ABORT_REQUEST cancels the request's task (or withdraws it from the gate); the connection closing cancels them
/// all. ``finished`` completes once the connection is closed and every task it started has returned.
final class FastCGIRequestDispatcher: ChannelInboundHandler {
    typealias InboundIn = FastCGIConnectionEvent
    typealias OutboundOut = FastCGIResponsePart

    /// Bytes of response held back before they are sent: a tile or a document with its head goes out in one write.
    static let holdLimit = 64 * 1024

    private let handler: FastCGIHandler
    private let logger: Logger
    private let gate: FastCGIRequestGate?
    private let finishedPromise: EventLoopPromise<Void>
    /// Every task started and not yet returned, including aborted ones.
    private var tasks: [FastCGIRequestToken: Task<Void, Never>] = [:]
    /// Requests waiting for the gate, with their place in its queue.
    private var waiting: [FastCGIRequestToken: (request: FastCGIRequest, ticket: FastCGIRequestGate.Ticket)] = [:]
    /// The request answering or waiting for each request id now, so that ABORT_REQUEST ends exactly that one.
    private var current: [UInt16: FastCGIRequestToken] = [:]
    /// Tasks waiting for the channel to become writable again.
    private var writabilityWaiters: [EventLoopPromise<Void>] = []
    private var context: ChannelHandlerContext?
    private var isClosed = false

    /// Completes once the connection has closed and all its tasks have returned.
    var finished: EventLoopFuture<Void> { finishedPromise.futureResult }

    init(handler: @escaping FastCGIHandler, logger: Logger, eventLoop: any EventLoop, gate: FastCGIRequestGate? = nil) {
        self.handler = handler
        self.logger = logger
        self.gate = gate
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
            admit(request, token: token, eventLoop: context.eventLoop)
        case .abort(let requestID):
            guard let token = current.removeValue(forKey: requestID) else { return }
            if let entry = waiting.removeValue(forKey: token) {
                // If the gate has already let it through, `startWaiting` finds it gone and gives the pass back.
                gate?.withdraw(entry.ticket)
            } else {
                tasks[token]?.cancel()
            }
        }
    }

    /// Starts the request now, or leaves it waiting at the gate.
    private func admit(_ request: FastCGIRequest, token: FastCGIRequestToken, eventLoop: any EventLoop) {
        guard !isClosed else {
            return
        }
        guard let gate else {
            start(request, token: token, pass: nil, eventLoop: eventLoop)
            return
        }
        let dispatcher = NIOLoopBound(self, eventLoop: eventLoop)
        // The gate may call this from any thread; it runs on the event loop, after this method has returned.
        let entry = gate.enter { pass in
            eventLoop.execute { dispatcher.value.startWaiting(token, pass: pass, eventLoop: eventLoop) }
        }
        switch entry {
        case .now(let pass):
            start(request, token: token, pass: pass, eventLoop: eventLoop)
        case .overflow:
            start(request, token: token, pass: nil, eventLoop: eventLoop)
        case .waiting(let ticket):
            current[request.requestID] = token
            waiting[token] = (request, ticket)
        }
    }

    /// The gate has let a waiting request through: start it, or give the pass back if it was withdrawn meanwhile.
    private func startWaiting(_ token: FastCGIRequestToken, pass: FastCGIRequestPass, eventLoop: any EventLoop) {
        guard let entry = waiting.removeValue(forKey: token), !isClosed else {
            pass.giveBack()
            return
        }
        start(entry.request, token: token, pass: pass, eventLoop: eventLoop)
    }

    private func start(
        _ request: FastCGIRequest,
        token: FastCGIRequestToken,
        pass: FastCGIRequestPass?,
        eventLoop: any EventLoop
    ) {
        let outlet = FastCGIResponseOutlet(dispatcher: NIOLoopBound(self, eventLoop: eventLoop), token: token)
        let handler = self.handler
        let logger = self.logger
        current[request.requestID] = token
        tasks[token] = Task {
            guard let pass else {
                await outlet.respond(to: request, with: handler, logger: logger, pass: nil)
                return
            }
            await FastCGIRequestPass.$current.withValue(pass) {
                await outlet.respond(to: request, with: handler, logger: logger, pass: pass)
            }
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
        for entry in waiting.values {
            gate?.withdraw(entry.ticket)
        }
        waiting = [:]
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

    func respond(
        to request: FastCGIRequest,
        with handler: FastCGIHandler,
        logger: Logger,
        pass: FastCGIRequestPass?
    ) async {
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
        // The answer is ready: the next waiting request may start while this one is written.
        pass?.giveBack()
        // Aborted (END_REQUEST already sent) or the connection is closing: nothing more is written.
        let aborted = Task.isCancelled
        let rest = held.withLockedValue { $0.parts }
        let dispatcher = self.dispatcher
        let token = self.token
        let requestID = request.requestID
        let failedAtEnd = failed
        dispatcher.eventLoop.execute {
            dispatcher.value.finish(token, requestID: requestID, rest: rest, failed: failedAtEnd, aborted: aborted)
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
