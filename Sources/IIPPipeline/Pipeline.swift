package import IIPImaging
public import IIPProtocol
public import Logging

/// The one place where a request becomes an image. Both frontends hand it each ``ServerRequest`` they read, on
/// the task that read it, and write the ``ServerResponse`` it returns.
///
/// The stage chain, in the order a request travels (each stage is a type with a typed input and output):
///
/// ```
/// ServerRequest -> Admission -> Parse -> Open -> Plan -> Render -> Respond -> ServerResponse
///                  (bounded,    (proto-  (image   (pure      (cache lookup,     (the only
///                   503 when     col      regis-   protocol   decode, trans-     stage that
///                   full)        call)    try)     planner)   form, encode)      builds HTTP)
/// ```
///
/// Any stage may stop the request with an ``Interruption`` (an error, or an answer that needs no image such as a
/// 304); ``RespondStage`` turns either outcome into the response. Stages run on the caller's task: composing them
/// adds no task switch. Blocking C work inside Render runs on the ``CodecExecutor``, never on Swift's cooperative
/// pool.
public final class Pipeline: Sendable {
    /// The stage chain's type: it reads in the order the stages run.
    typealias Stages = Admitted<
        StageChain<
            StageChain<StageChain<TimedStage<ParseStage>, TimedStage<OpenStage>>, TimedStage<PlanStage>>, RenderStage
        >
    >

    /// The configuration it was built with.
    public let configuration: ServerConfiguration
    /// The open-image registry.
    package let registry: ImageRegistry
    /// The encoded-tile cache.
    package let tileCache: TileCache
    /// Decoded tiles for region exports.
    package let decodedTiles: DecodedTileCache
    /// The memcached tile cache, when MEMCACHED_SERVERS names servers.
    package let sharedTiles: SharedTileCache?
    /// The threads for blocking C work.
    package let executor: CodecExecutor
    /// The bound on requests in flight and waiting.
    package let admission: Admission
    /// The store images are read from when FILESYSTEM_PREFIX is a URL (`s3://`, `http://`, `https://`).
    package let remoteStore: (any RemoteObjects)?
    let stages: Stages
    let responder: RespondStage
    let logger: Logger

    /// Builds the pipeline and its actors from a configuration, reading images from local files.
    public convenience init(configuration: ServerConfiguration, logger: Logger) {
        self.init(configuration: configuration, logger: logger, remoteStore: nil)
    }

    /// Builds the pipeline and its actors from a configuration, reading the images whose paths `remoteStore`
    /// handles from it (FILESYSTEM_PREFIX a URL). The pipeline shuts the store down in ``shutdown()``.
    package init(configuration: ServerConfiguration, logger: Logger, remoteStore: (any RemoteObjects)?) {
        self.configuration = configuration
        self.logger = logger
        executor = CodecExecutor(threadCount: configuration.codecThreads)
        let modules = Self.loadDecoderModules(configuration.decoderModulePaths, logger: logger)
        self.remoteStore = remoteStore
        registry = ImageRegistry(
            resolver: PathResolver(
                prefix: configuration.filesystemPrefix, suffix: configuration.filesystemSuffix,
                sequencePattern: configuration.filenamePattern,
                allowsSymlinksOutside: configuration.allowSymlinksOutsidePrefix),
            executor: executor, capacity: configuration.maxMetadataCacheSize,
            checkInterval: configuration.fileCheckDuration, handlesPerImage: configuration.maxHandlesPerImage,
            opener: ImageSourceOpener(
                limits: ImageLimits(
                    maxImageSide: configuration.maxImageSide, maxTileBytes: configuration.maxTileBytes,
                    maxCodestreamTiles: configuration.maxJPEG2000Tiles),
                layers: configuration.maxLayers,
                modules: modules, probe: Self.moduleProbe(configuration, modules: modules, logger: logger),
                remote: remoteStore),
            defaultRights: configuration.copyright)
        tileCache = TileCache(budgetBytes: configuration.tileCacheBytes)
        decodedTiles = DecodedTileCache(budgetBytes: configuration.decodedCacheBytes)
        admission = Admission(
            maxInFlight: configuration.maxRequestsInFlight, maxQueued: configuration.maxRequestsQueued)
        let reclaimer = MemoryReclaimer(interval: configuration.memoryTrimDuration, executor: executor)
        let avifCodec = Self.avifCodec(configuration, logger: logger)
        // AVIF is writable exactly when libavif has an encoder, which is when `avifCodec` is not nil.
        let settings = configuration.protocolSettings(formats: ImageEncoders.writable)
        if !settings.unusablePreferredFormats.isEmpty {
            logger.warning(
                "IIIF_PREFERRED_FORMATS: left out of info.json, no IIIF format of this server",
                metadata: ["formats": "\(settings.unusablePreferredFormats.joined(separator: ","))"])
        }
        sharedTiles = Self.sharedTileCache(configuration, logger: logger)
        let render = RenderStage(
            cacheLookup: CacheLookupStage(cache: tileCache, shared: sharedTiles),
            encode: EncodeStage(
                maxICC: configuration.embedICC ? configuration.maxICC : 0,
                tiffCompression: configuration.tiffCompression, avifCodec: avifCodec ?? .automatic),
            executor: executor, decodedTiles: decodedTiles,
            exports: AsyncLimiter(
                permits: configuration.maxExportsInFlight, maxQueued: configuration.exportQueueBound,
                metrics: .exports()
            ) { reclaimer.exportsWentIdle() },
            passThrough: configuration.codecPassthrough, maxExportPixels: configuration.maxExportPixels,
            watermark: Self.loadWatermark(configuration, logger: logger),
            watermarkProbability: configuration.watermarkProbability)

        // The chain.
        stages = Admitted(
            admission: admission,
            inner: ParseStage(settings: settings).timed(.parse)
                .then(
                    OpenStage(registry: registry, logger: logger, fingerprint: Self.fingerprint(configuration))
                        .timed(.open)
                )
                .then(PlanStage(settings: settings).timed(.plan))
                .then(render))
        responder = RespondStage(responses: ResponseFactory(configuration: configuration), logger: logger)
    }

    /// Answers `request`: admission (503 at once when full), then every stage, on the caller's task.
    ///
    /// The frontends' ``RequestTimeline`` (when requests are observed) gets the time of each stage.
    public func respond(to request: ServerRequest) async -> ServerResponse {
        let outcome: Result<Product, Interruption>
        do throws(Interruption) {
            outcome = .success(try await stages.run(request))
        } catch {
            outcome = .failure(error)
        }
        return responder.run(outcome)
    }

    /// Returns once ``finish()`` has been called and the requests already admitted are answered; run it as a
    /// service for the server's lifetime.
    public func run() async {
        await admission.drained()
    }

    /// Stops admitting requests (new ones are answered 503); ``run()`` returns once the admitted ones are done.
    public func finish() {
        admission.finish()
    }

    /// Marks the start of a drain (SIGTERM) for ``readiness()`` while requests are still admitted: the frontends
    /// finish theirs before ``finish()`` is called, and `/ready` says 503 all that time.
    public func announceDrain() {
        admission.announceDrain()
    }

    /// Stops the codec threads. Call after ``run()`` has returned.
    public func shutdown() async {
        await remoteStore?.shutdown()
        await executor.shutdown()
        await sharedTiles?.shutdown()
    }

    /// Empties the tile caches and the image registry (SIGHUP).
    public func emptyCaches() async {
        await tileCache.removeAll()
        await decodedTiles.removeAll()
        await registry.removeAll()
    }
}
