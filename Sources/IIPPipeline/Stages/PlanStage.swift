package import IIPProtocol

/// What the pipeline must produce for a request, and from which image.
package struct Job: Sendable {
    /// The plan its protocol made.
    package var plan: ImagePlan
    /// The image the plan is about, or `nil` when it is about none.
    package var image: OpenImage?
    /// The answer's entity tag, when the request names images.
    package var etag: EntityTag? = nil
}

/// Stage 3, Plan: the request's protocol decides what to produce from the image's description
/// (``ProtocolPlanner``, a pure function in IIPProtocol). No protocol rule lives in the pipeline.
package final class PlanStage: PipelineStage {
    let planner: ProtocolPlanner

    /// Plans with `settings`.
    package init(settings: ProtocolSettings) {
        planner = ProtocolPlanner(settings: settings)
    }

    /// Plans `opened`.
    package func run(_ opened: OpenedRequest) throws(Interruption) -> Job {
        do {
            let planned = try planner.plan(opened.parsed.call, request: opened.parsed.request) { path in
                opened.image(path)?.description
            }
            return Job(plan: planned.plan, image: planned.imagePath.flatMap(opened.image), etag: opened.etag)
        } catch {
            throw .rejected(error)
        }
    }
}
