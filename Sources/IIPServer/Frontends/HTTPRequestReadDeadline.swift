import Logging
import NIOCore
import NIOHTTPTypes

/// Closes an HTTP connection whose request does not arrive within REQUEST_READ_TIMEOUT: a new connection must
/// deliver its first request head in that time, and every request its body from head to end.
///
/// It sits after the HTTP decoder, so a head that trickles in on a kept-alive connection after its first request
/// is bounded by HTTP_IDLE_TIMEOUT instead (Hummingbird's idle timer, which only decoded parts reset). A slow
/// client holds a descriptor and this timer, never a pipeline slot: requests reach the pipeline only once read.
final class HTTPRequestReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private let logger: Logger
    /// When the part being waited for started to be awaited: the connection's start, then each request's head.
    private var waitingSince: NIODeadline? = .now()
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            waitingSince = .now()
            arm(context: context)
        case .body:
            break
        case .end:
            waitingSince = nil
        }
        context.fireChannelRead(data)
    }

    private func arm(context: ChannelHandlerContext) {
        guard deadline == nil, let since = waitingSince else { return }
        let timeout = timeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: since + timeout) {
            self.deadline = nil
            guard let since = self.waitingSince else { return }
            guard since + timeout <= .now() else {
                self.arm(context: context)
                return
            }
            self.logger.warning(
                "Closing an HTTP connection whose request did not arrive in time",
                metadata: [
                    "peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                    "seconds": "\(Double(timeout.nanoseconds) / 1e9)",
                ])
            context.close(promise: nil)
        }
    }
}
