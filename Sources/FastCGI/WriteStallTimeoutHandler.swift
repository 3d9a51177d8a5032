public import Logging
public import NIOCore

/// Closes a connection whose peer stopped reading: once more than the channel's high watermark (64 KiB by
/// default) waits to be written, the peer has `timeout` to make it writable again.
///
/// Writers wait for writability (NIO's async channels and the FastCGI dispatcher do), so what one connection
/// buffers stays bounded by one answer; this handler bounds how long that answer, its task and the descriptor stay
/// held. It works on any channel, so both frontends use it.
public final class WriteStallTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    /// Any inbound data: it is passed on untouched.
    public typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private let logger: Logger
    private var stall: Scheduled<Void>?

    /// Creates the handler; `logger` gets one line per connection closed.
    public init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    /// Starts the stall timer when the channel turns unwritable, stops it when it turns writable again.
    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stall?.cancel()
            stall = nil
        } else if stall == nil {
            stall = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                self.stall = nil
                guard !context.channel.isWritable else { return }
                self.logger.warning(
                    "Closing a connection whose client stopped reading its answer",
                    metadata: [
                        "peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                        "seconds": "\(Double(self.timeout.nanoseconds) / 1e9)",
                    ])
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    /// Stops the timer.
    public func handlerRemoved(context: ChannelHandlerContext) {
        stall?.cancel()
        stall = nil
    }

    /// Stops the timer; the connection is gone.
    public func channelInactive(context: ChannelHandlerContext) {
        stall?.cancel()
        stall = nil
        context.fireChannelInactive()
    }
}
