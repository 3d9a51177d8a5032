public import Hummingbird
public import NIOCore

/// The HTTP frontend's request context: Hummingbird's core context and the request's connection, whose state tells
/// the pipeline whether the client is still there (``ClientPresence``).
public struct HTTPConnectionContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    /// The context of a request read from `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
