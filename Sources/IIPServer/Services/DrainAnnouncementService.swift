public import IIPPipeline
public import ServiceLifecycle

/// Turns `/ready` to 503 the moment a graceful shutdown (SIGTERM) begins.
///
/// A ServiceGroup shuts its services down one at a time, last first, each after the one behind it has returned:
/// the frontends drain (finishing the requests in flight, a FastCGI frontend for as long as its slowest one) before
/// ``PipelineService`` finishes admission. Without this service `/ready` would answer 200 throughout the drain on
/// the frontend that still serves. List it last, so that it is the first to hear of the shutdown; it returns at
/// once, and the frontends start draining.
public struct DrainAnnouncementService: Service {
    let pipeline: Pipeline

    /// Creates the service.
    public init(pipeline: Pipeline) {
        self.pipeline = pipeline
    }

    /// Waits for graceful shutdown (or cancellation), then announces the drain.
    public func run() async {
        try? await gracefulShutdown()
        pipeline.announceDrain()
    }
}
