import Logging
import NIOCore

/// Builds the pipeline of an accepted connection: record codec, protocol handler, write stall timeout, dispatcher.
enum FastCGIChannelInitializer {
    /// Adds the FastCGI handlers to `channel`, whose requests then go to `handler`. Must run on the channel's event
    /// loop.
    static func configure(
        _ channel: any Channel,
        configuration: FastCGIServerConfiguration,
        logger: Logger,
        gate: FastCGIRequestGate? = nil,
        handler: @escaping FastCGIHandler
    ) throws -> FastCGIConnection {
        var logger = logger
        if let remote = channel.remoteAddress {
            // Formatted only if a line is logged: most connections never log one.
            logger[metadataKey: "fastcgi.peer"] = .stringConvertible(remote)
        }
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(FastCGIRecordDecoder()))
        try pipeline.addHandler(FastCGIRecordWriter())
        try pipeline.addHandler(FastCGIConnectionHandler(configuration: configuration, logger: logger))
        if let writeTimeout = configuration.writeTimeout {
            try pipeline.addHandler(WriteStallTimeoutHandler(timeout: writeTimeout, logger: logger))
        }
        let dispatcher = FastCGIRequestDispatcher(
            handler: handler, logger: logger, eventLoop: channel.eventLoop, gate: gate)
        try pipeline.addHandler(dispatcher)
        return FastCGIConnection(channel: channel, finished: dispatcher.finished)
    }
}
