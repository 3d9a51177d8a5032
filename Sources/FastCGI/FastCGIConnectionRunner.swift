import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Runs the handlers of one connection: one child task per request, so multiplexed requests run concurrently.
struct FastCGIConnectionRunner: Sendable {
    typealias Connection = NIOAsyncChannel<FastCGIConnectionEvent, FastCGIResponsePart>

    let handler: FastCGIHandler
    let logger: Logger

    /// Bytes of response held back before they are sent: a tile or a document with its head goes out in one write.
    static let holdLimit = 64 * 1024

    /// Response parts written and not sent yet.
    private struct HeldOutput {
        var parts: [ByteBuffer] = []
        var bytes = 0
    }

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
        // Parts written are held back until they pass `holdLimit` bytes, and what is held at the end is sent with
        // END_REQUEST: an answer of a head and a body (a tile) costs one flush, one system call, and no copy.
        let held = NIOLockedValueBox(HeldOutput())
        let writer = FastCGIResponseWriter { buffer in
            let ready = held.withLockedValue { held -> [ByteBuffer]? in
                held.parts.append(buffer)
                held.bytes += buffer.readableBytes
                guard held.bytes > Self.holdLimit else { return nil }
                defer { held = HeldOutput() }
                return held.parts
            }
            guard let ready else { return }
            try await outbound.write(contentsOf: ready.map { .stdout(token, $0) })
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
            let last = held.withLockedValue { $0.parts }
            if last.isEmpty {
                try await outbound.write(.end(token, failed: failed))
            } else {
                try await outbound.write(contentsOf: last.map { .stdout(token, $0) } + [.end(token, failed: failed)])
            }
        } catch {
            logger.debug("FastCGI response could not be completed", metadata: ["error": "\(error)"])
        }
    }
}
