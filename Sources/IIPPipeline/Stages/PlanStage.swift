package import IIPProtocol

/// What the pipeline must produce for a request, and from which image.
package struct Job: Sendable {
    /// The plan its protocol made.
    package var plan: ImagePlan
    /// The image, or `nil` when the request names none.
    package var image: OpenImage?
}

/// Stage 3, Plan: the request's protocol decides what to produce from the image's description
/// (``ProtocolPlanner``, a pure function in IIPProtocol). No protocol rule lives in the pipeline.
package struct PlanStage: PipelineStage {
    let planner: ProtocolPlanner

    /// Plans with `settings`.
    package init(settings: ProtocolSettings) {
        planner = ProtocolPlanner(settings: settings)
    }

    /// Plans `opened`.
    package func run(_ opened: OpenedRequest) throws(Interruption) -> Job {
        do {
            let plan = try planner.plan(
                opened.parsed.call, image: opened.image?.description, request: opened.parsed.request)
            return Job(plan: plan, image: opened.image)
        } catch {
            throw .rejected(error)
        }
    }
}
