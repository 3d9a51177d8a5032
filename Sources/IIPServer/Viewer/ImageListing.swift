import IIPPipeline

/// Runs ``ImageCatalog/scan()`` on the codec executor at most once per ``freshness``: requests meanwhile share the
/// listing in progress or just made, so a burst of list requests (one per page, or a flood) costs one folder walk
/// and never takes the codec threads from tiles. Images added show up once the listing is older than that.
actor ImageListing {
    /// How long a listing is reused.
    static let freshness: Duration = .seconds(5)

    private let catalog: ImageCatalog
    private let executor: CodecExecutor
    private var latest: (task: Task<ImageCatalogScan, Never>, started: ContinuousClock.Instant)?

    /// Creates the listing of `catalog`, read on `executor`.
    init(catalog: ImageCatalog, executor: CodecExecutor) {
        self.catalog = catalog
        self.executor = executor
    }

    /// The current listing: a recent one, or a new walk of the folders.
    func scan() async -> ImageCatalogScan {
        let now = ContinuousClock.now
        if let latest, now - latest.started < Self.freshness {
            return await latest.task.value
        }
        let catalog = catalog
        let executor = executor
        let task = Task {
            (try? await executor.run { catalog.scan() })
                ?? ImageCatalogScan(identifiers: [], truncated: false, problem: "The listing was cancelled.")
        }
        latest = (task, now)
        return await task.value
    }
}
