import NIOCore

/// An accepted connection whose pipeline answers requests on its own.
struct FastCGIConnection: Sendable {
    /// The connection's channel.
    let channel: any Channel
    /// Completes once the channel has closed and every task it started has returned.
    let finished: EventLoopFuture<Void>
}
