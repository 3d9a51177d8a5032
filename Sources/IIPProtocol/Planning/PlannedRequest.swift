/// A plan and the image it is about.
public struct PlannedRequest: Sendable {
    /// What to produce.
    public var plan: ImagePlan
    /// The image the plan renders, or whose modification time a document carries: one of the paths
    /// ``RequestReader/imagePaths(of:request:)`` named; `nil` when it is about none.
    public var imagePath: String?

    /// Creates a planned request.
    public init(_ plan: ImagePlan, imagePath: String?) {
        self.plan = plan
        self.imagePath = imagePath
    }
}
