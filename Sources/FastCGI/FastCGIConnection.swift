import NIOCore

/// An accepted connection: its pipeline answers requests on its own, and ``run()`` waits for it to end.
struct FastCGIConnection: Sendable {
    /// The connection's channel.
    let channel: any Channel
    /// Completes once the channel has closed and every task it started has returned; `nil` for a connection refused
    /// at the limit, which ``run()`` closes at once.
    let finished: EventLoopFuture<Void>?

    /// Waits until the connection has closed and its requests' tasks have returned. Cancelling the caller closes the
    /// connection, which cancels those tasks.
    func run() async {
        guard let finished else {
            try? await channel.close()
            return
        }
        let channel = self.channel
        await withTaskCancellationHandler {
            try? await finished.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}
