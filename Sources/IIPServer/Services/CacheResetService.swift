public import IIPPipeline
public import Logging
public import ServiceLifecycle
import UnixSignals

/// Empties the tile cache and the image registry on SIGHUP, as iipsrv does (iipsrv-reference §1.5).
public struct CacheResetService: Service {
    let pipeline: Pipeline
    let logger: Logger

    /// Creates the service.
    public init(pipeline: Pipeline, logger: Logger) {
        self.pipeline = pipeline
        self.logger = logger
    }

    /// Waits for SIGHUP until graceful shutdown.
    public func run() async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            await pipeline.emptyCaches()
            logger.info("SIGHUP: caches emptied")
        }
    }
}
