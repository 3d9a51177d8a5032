import Logging
import NIOCore

/// Builds the pipeline of an accepted connection: record codec, protocol handler, write stall timeout, async bridge.
enum FastCGIChannelInitializer {
    /// Adds the FastCGI handlers to `channel` and wraps it for async use. Must run on the channel's event loop.
    static func configure(
        _ channel: any Channel,
        configuration: FastCGIServerConfiguration,
        logger: Logger
    ) throws -> FastCGIConnectionRunner.Connection {
        var logger = logger
        if let remote = channel.remoteAddress {
            logger[metadataKey: "fastcgi.peer"] = "\(remote)"
        }
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(FastCGIRecordDecoder()))
        try pipeline.addHandler(FastCGIRecordWriter())
        try pipeline.addHandler(FastCGIConnectionHandler(configuration: configuration, logger: logger))
        if let writeTimeout = configuration.writeTimeout {
            try pipeline.addHandler(WriteStallTimeoutHandler(timeout: writeTimeout, logger: logger))
        }
        return try FastCGIConnectionRunner.Connection(wrappingChannelSynchronously: channel)
    }
}
