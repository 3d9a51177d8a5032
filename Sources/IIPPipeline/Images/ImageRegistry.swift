package import IIPImaging
import IIPModel
import Metrics

/// The open-image registry: descriptions and handle pools by path, checked against the file's status.
///
/// A file is opened once and described once; later requests reuse the entry while `stat` says the file is the
/// same (modification time, size, inode), checking at most every `checkInterval` (one check at a time: requests
/// meanwhile use the entry). Concurrent first requests for one image open it once. Entries beyond the capacity are dropped least recently used first.
package actor ImageRegistry {
    private struct Entry {
        var image: OpenImage
        var checkedAt: ContinuousClock.Instant
    }

    private var entries: LRUStore<String, Entry>
    private var opening: [String: Task<OpenImage, any Error>] = [:]
    private let resolver: PathResolver
    private let executor: CodecExecutor
    private let checkInterval: Duration
    private let handlesPerImage: Int
    private let opener: ImageSourceOpener
    private let defaultRights: String
    private let clock = ContinuousClock()
    private let opens = Counter(label: "iip_image_opens_total")
    private let lookups = CacheMetrics(name: "iip_image_cache", sized: false)
    private let openGauge = Gauge(label: "iip_images_open")
    /// The handles the images' pools hold.
    package let handles = HandleCounter()

    /// Creates a registry.
    ///
    /// - Parameters:
    ///   - capacity: Images kept open: 0 keeps none, -1 unlimited (MAX_METADATA_CACHE_SIZE).
    ///   - checkInterval: Time between `stat` checks of a cached image; zero checks on every request.
    ///   - opener: Opens files: the limits on what a header may claim (MAX_IMAGE_SIDE and the fixed bounds),
    ///     JPEG 2000 layers (MAX_LAYERS) and decoder modules (DECODER_MODULES).
    ///   - defaultRights: COPYRIGHT: the rights of images whose files name none, so that OBJ, IIIF and the
    ///     metadata embedded in exports all give it (iipsrv-reference §6.6).
    package init(
        resolver: PathResolver, executor: CodecExecutor, capacity: Int, checkInterval: Duration, handlesPerImage: Int,
        opener: ImageSourceOpener = ImageSourceOpener(), defaultRights: String = ""
    ) {
        entries = LRUStore(budget: capacity < 0 ? Int.max : capacity)
        self.resolver = resolver
        self.executor = executor
        self.checkInterval = checkInterval
        self.handlesPerImage = handlesPerImage
        self.opener = opener
        self.defaultRights = defaultRights
    }

    /// The open image for a requested path.
    ///
    /// - Throws: ``ImageAccessError``.
    package func image(at path: String) async throws(ImageAccessError) -> OpenImage {
        guard let filePath = resolver.filePath(for: path) else { throw .notFound(path) }
        let now = clock.now
        if let entry = entries.value(for: path) {
            lookups.hit()
            if now - entry.checkedAt < checkInterval { return entry.image }
            // One check at a time: requests arriving while it runs use the entry as it is, as within the interval
            // (a remote store's HEAD can take a while, and every request in flight would send its own).
            entries.insert(Entry(image: entry.image, checkedAt: now), for: path, cost: 1)
            let statusPath = entry.image.filePath
            let status = try? await executor.run { [resolver, opener] () throws(ImagingError) -> FileStatus? in
                if let remote = opener.remote, remote.handles(statusPath) {
                    // A store that cannot answer now keeps the image as it was: its tiles may be cached.
                    do {
                        return try remote.version(of: statusPath).map(FileStatus.init(remote:))
                    } catch {
                        return entry.image.status
                    }
                }
                return resolver.isConfined(statusPath) ? FileStatus.of(statusPath) : nil
            }
            if let status, status == entry.image.status {
                entries.insert(Entry(image: entry.image, checkedAt: clock.now), for: path, cost: 1)
                return entry.image
            }
            entries.removeValue(for: path)
            openGauge.record(entries.count)
        }
        if let running = opening[path] {
            lookups.coalesced()
            return try await Self.typed(running, path: path)
        }
        lookups.miss()
        let sequenceBase = resolver.sequenceBase(for: path)
        let task = Task { [executor, handlesPerImage, opener, defaultRights, handles, resolver] in
            try await executor.run { () throws(ImageAccessError) -> OpenImage in
                try Self.open(
                    path: path, filePath: filePath, sequenceBase: sequenceBase, resolver: resolver,
                    handlesPerImage: handlesPerImage, opener: opener, defaultRights: defaultRights, handles: handles)
            }
        }
        opening[path] = task
        defer { opening[path] = nil }
        let image = try await Self.typed(task, path: path)
        opens.increment()
        lookups.evicted(entries.insert(Entry(image: image, checkedAt: clock.now), for: path, cost: 1))
        openGauge.record(entries.count)
        return image
    }

    /// Forgets every image (SIGHUP, as iipsrv empties its metadata cache).
    package func removeAll() {
        entries.removeAll()
        openGauge.record(0)
    }

    /// The number of images held.
    package var count: Int { entries.count }

    private static func typed(_ task: Task<OpenImage, any Error>, path: String) async throws(ImageAccessError)
        -> OpenImage
    {
        do {
            return try await task.value
        } catch let error as ImageAccessError {
            throw error
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
    }

    /// Stats and opens a file, or the first file of a sequence when `filePath` is not a file, reads its structure
    /// and keeps the handle as the pool's first. Blocking. A path whose links leave the prefix is not found, and
    /// nothing at their targets is looked at (``PathResolver/isConfined(_:)``).
    private static func open(
        path: String, filePath: String, sequenceBase: String?, resolver: PathResolver, handlesPerImage: Int,
        opener: ImageSourceOpener, defaultRights: String, handles: HandleCounter
    ) throws(ImageAccessError) -> OpenImage {
        if let remote = opener.remote, remote.handles(filePath) {
            return try openRemote(
                path: path, filePath: filePath, remote: remote, handlesPerImage: handlesPerImage, opener: opener,
                defaultRights: defaultRights, handles: handles)
        }
        var sequence: ImageSequence?
        var opened = filePath
        guard resolver.isConfined(filePath) else { throw .notFound(path) }
        if FileStatus.of(filePath)?.isRegularFile != true {
            // iipsrv-reference §7.5: not a file, so perhaps a sequence (FILESYSTEM_SUFFIX does not apply).
            guard let sequenceBase, resolver.isConfined(sequenceBase) else { throw .notFound(path) }
            switch ImageSequence.find(base: sequenceBase) {
            case .success(let found):
                guard resolver.isConfined(found.firstPath) else { throw .notFound(path) }
                sequence = found
                opened = found.firstPath
            case .failure(.none): throw .notFound(path)
            case .failure(.multipleExtensions):
                throw .unsupported(path: path, reason: "the image sequence has multiple file extensions")
            }
        }
        guard let status = FileStatus.of(opened), status.isRegularFile else { throw .notFound(path) }
        let source: any ImageSource
        do {
            source = try opener.open(path: opened)
        } catch {
            throw accessError(error, path: path)
        }
        return assemble(
            path: path, filePath: opened, source: source, status: status, sequence: sequence,
            handlesPerImage: handlesPerImage, opener: opener, defaultRights: defaultRights, handles: handles
        ) { [opened] () throws(ImagingError) in
            try ImageSourceOpener.withoutPaths { () throws(ImagingError) in try opener.open(path: opened) }
        }
    }

    /// The open image around its first `source`: the handle pool (`reopen` opens more handles, each checked to
    /// describe the image as the first did), the views of a sequence or stack, and COPYRIGHT for images that name
    /// no rights. Shared by local files and remote objects.
    private static func assemble(
        path: String, filePath: String, source: any ImageSource, status: FileStatus, sequence: ImageSequence?,
        handlesPerImage: Int, opener: ImageSourceOpener, defaultRights: String, handles: HandleCounter,
        reopen: @escaping @Sendable () throws(ImagingError) -> any ImageSource
    ) -> OpenImage {
        // Every handle must describe the image as the first did: requests are planned with that description.
        var description = source.description
        let pool = HandlePool(first: source, maxIdle: handlesPerImage, counter: handles) {
            [description] () throws(ImagingError) in
            let another = try reopen()
            guard another.description == description else {
                throw .decodeFailed("the image changed since it was opened")
            }
            return another
        }
        var views: ViewPools?
        if let sequence {
            description.horizontalViews = sequence.horizontalAngles
            description.verticalViews = sequence.verticalAngles
            views = ViewPools(
                kind: .sequence(sequence), first: pool, description: description, maxIdle: handlesPerImage,
                opener: opener, handles: handles)
        } else if !description.stack.isEmpty {
            views = ViewPools(
                kind: .stack(filePath: filePath, layers: description.stack.count), first: pool,
                description: description, maxIdle: handlesPerImage, opener: opener, handles: handles)
        }
        // Applied after the handle checks above, which compare descriptions as the files give them.
        if !defaultRights.isEmpty, description.metadata.rights?.isEmpty ?? true {
            description.metadata.rights = defaultRights
        }
        return OpenImage(
            path: path, filePath: filePath, description: description, status: status, handles: pool,
            regionReadings: description.levels.indices.map { source.regionReading(resolution: $0) }, views: views)
    }

    /// An opener's error as a client may see it: no filesystem path or store address.
    private static func accessError(_ error: ImagingError, path: String) -> ImageAccessError {
        switch error {
        case .unreadable: .unreadable(path: path, reason: "the image file is damaged or unreadable")
        case .unsupportedFormat: .unsupportedFormat(path: path)
        case .unsupportedLayout(let reason): .unsupported(path: path, reason: reason)
        case .notTiled: .unsupported(path: path, reason: "image is not tiled")
        case .storeUnavailable(let detail): .storeUnavailable(path: path, detail: detail)
        default: .unreadable(path: path, reason: error.description)
        }
    }

    /// Opens an image on a remote store: its version (a `HEAD`) stands for the file's status, and there are no
    /// links to follow or sequences to list. Blocking.
    private static func openRemote(
        path: String, filePath: String, remote: any RemoteObjects, handlesPerImage: Int, opener: ImageSourceOpener,
        defaultRights: String, handles: HandleCounter
    ) throws(ImageAccessError) -> OpenImage {
        let version: RemoteObjectVersion?
        do {
            version = try remote.version(of: filePath)
        } catch {
            throw accessError(error, path: path)
        }
        guard let version else { throw .notFound(path) }
        // Every handle reads the version just asked for: no more requests to the store to open them.
        let source: any ImageSource
        do {
            source = try opener.open(source: remote.open(filePath, version: version))
        } catch {
            throw accessError(error, path: path)
        }
        return assemble(
            path: path, filePath: filePath, source: source, status: FileStatus(remote: version), sequence: nil,
            handlesPerImage: handlesPerImage, opener: opener, defaultRights: defaultRights, handles: handles
        ) { () throws(ImagingError) in
            try opener.open(source: remote.open(filePath, version: version))
        }
    }
}
