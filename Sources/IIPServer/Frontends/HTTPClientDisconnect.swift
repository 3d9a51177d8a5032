import NIOCore

/// Closes an HTTP connection once its client has closed its side, so that the request in progress sees the client
/// gone (``ClientPresence`` reads the channel's state) and its codec work is dropped.
///
/// Hummingbird accepts half-closed connections, so a client that disconnects while its export waits or runs would
/// leave the channel open until the answer is written. Like nginx, which treats a client's end of input during a
/// request as an abort, the server takes the end of input for the client's departure.
final class HTTPClientDisconnect: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
