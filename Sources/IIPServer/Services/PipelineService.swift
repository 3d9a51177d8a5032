public import IIPPipeline
public import ServiceLifecycle

/// Keeps the pipeline's admission open for the server's lifetime. On graceful shutdown it stops admitting requests,
/// answers those already queued, then stops the codec threads.
///
/// List it before the frontends in the ServiceGroup: services stop in reverse order, so the frontends stop
/// accepting first and the pipeline drains last.
public struct PipelineService: Service {
    let pipeline: Pipeline

    /// Creates the service.
    public init(pipeline: Pipeline) {
        self.pipeline = pipeline
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await pipeline.run()
            } onCancel: {
                pipeline.finish()
            }
        } onGracefulShutdown: {
            pipeline.finish()
        }
        await pipeline.shutdown()
    }
}
