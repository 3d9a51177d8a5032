import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Runs the handlers of one connection: one child task per request, so multiplexed requests run concurrently.
struct FastCGIConnectionRunner: Sendable {
    typealias Connection = NIOAsyncChannel<FastCGIConnectionEvent, FastCGIResponsePart>

    let handler: FastCGIHandler
    let logger: Logger

    /// Serves `connection` until it closes, then cancels whatever handlers are still running and waits for them.
    func run(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                await withDiscardingTaskGroup { group in
                    // The newest task per request id, so that ABORT_REQUEST can cancel exactly that handler.
                    var tasks: [UInt16: Task<Void, Never>] = [:]
                    do {
                        for try await event in inbound {
                            switch event {
                            case .request(let request, let token):
                                let task = Task { await respond(to: request, token: token, outbound: outbound) }
                                tasks[request.requestID] = task
                                group.addTask {
                                    await withTaskCancellationHandler {
                                        await task.value
                                    } onCancel: {
                                        task.cancel()
                                    }
                                }
                            case .abort(let requestID):
                                tasks.removeValue(forKey: requestID)?.cancel()
                            }
                        }
                    } catch {
                        logger.debug("FastCGI connection ended with an error", metadata: ["error": "\(error)"])
                    }
                    // The connection is gone: nobody can receive the remaining answers.
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("FastCGI connection failed to close cleanly", metadata: ["error": "\(error)"])
        }
    }

    private func respond(
        to request: FastCGIRequest,
        token: FastCGIRequestToken,
        outbound: NIOAsyncChannelOutboundWriter<FastCGIResponsePart>
    ) async {
        // The last part written is held back and sent with END_REQUEST: one flush, one system call, for an answer
        // written in one part.
        let held = NIOLockedValueBox<ByteBuffer?>(nil)
        let writer = FastCGIResponseWriter { buffer in
            let previous = held.withLockedValue { held -> ByteBuffer? in
                defer { held = buffer }
                return held
            }
            guard let previous else { return }
            try await outbound.write(.stdout(token, previous))
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
        guard !Task.isCancelled else {
            return  // aborted (END_REQUEST already sent) or the connection is closing
        }
        do {
            if let last = held.withLockedValue({ $0.take() }) {
                try await outbound.write(contentsOf: [.stdout(token, last), .end(token, failed: failed)])
            } else {
                try await outbound.write(.end(token, failed: failed))
            }
        } catch {
            logger.debug("FastCGI response could not be completed", metadata: ["error": "\(error)"])
        }
    }
}
