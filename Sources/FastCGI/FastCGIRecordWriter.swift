public import NIOCore

/// Writes ``FastCGIRecord`` values to the channel, sending large content as it is rather than copying it.
///
/// A record whose content is at most ``copyLimit`` bytes goes out as one buffer (header, content and padding to a
/// multiple of 8 bytes, as ``FastCGIRecordEncoder`` writes it). A larger one goes out as two buffers, an 8-byte header
/// and the content itself, without padding (the specification makes padding optional), so the bytes of a tile or an
/// export are never copied on their way to the socket: the channel's vector write sends both.
///
/// Content longer than ``FastCGIRecord/maxContentLength`` fails the write with
/// ``FastCGIProtocolError/contentTooLong(_:)``; split long streams before writing.
public final class FastCGIRecordWriter: ChannelOutboundHandler, RemovableChannelHandler {
    /// The record to write.
    public typealias OutboundIn = FastCGIRecord
    /// The bytes on the wire.
    public typealias OutboundOut = ByteBuffer

    /// Content up to this many bytes is copied next to its header; larger content is sent as it is.
    public static let copyLimit = 1024

    private let encoder = FastCGIRecordEncoder()

    /// Creates a writer.
    public init() {}

    /// Writes `data`'s record as one or two buffers; `promise` completes with the last of them.
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let record = unwrapOutboundIn(data)
        let length = record.content.readableBytes
        guard length <= FastCGIRecord.maxContentLength else {
            promise?.fail(FastCGIProtocolError.contentTooLong(length))
            return
        }
        if length <= Self.copyLimit {
            var out = context.channel.allocator.buffer(capacity: FastCGIRecord.headerLength + length + 7)
            do {
                try encoder.encode(data: record, out: &out)
            } catch {
                promise?.fail(error)
                return
            }
            context.write(wrapOutboundOut(out), promise: promise)
        } else {
            var header = context.channel.allocator.buffer(capacity: FastCGIRecord.headerLength)
            FastCGIRecordEncoder.writeHeader(of: record, paddingLength: 0, to: &header)
            context.write(wrapOutboundOut(header), promise: nil)
            context.write(wrapOutboundOut(record.content), promise: promise)
        }
    }
}
