import IIPImaging
import IIPModel
import IIPProtocol
public import Logging
import NIOCore

/// The one place where a request becomes an image. Both frontends hand it a ``ServerRequest`` and write the
/// ``ServerResponse`` it returns.
///
/// A request travels through the stages in this order, which ``process(_:)`` spells out:
/// 1. ``ParseStage``: protocol text to typed commands;
/// 2. ``PlanStage``: commands interpreted against the image that `OpenStage` opened for every protocol (metadata
///    answers, errors and 304s end here);
/// 3. ``CacheLookupStage``: encoded tiles from the cache, produced once however many ask;
/// 4. ``DecodeStage``: tiles decoded with a handle from the image's pool;
/// 5. ``TransformStage``: samples to 8-bit pixels, processing, resizing, rotation;
/// 6. ``EncodeStage``: pixels to JPEG (and the other formats).
/// Stages 4-6 run on the ``CodecExecutor``, never on Swift's cooperative pool.
public final class Pipeline: Sendable {
    /// The configuration it was built with.
    public let configuration: ServerConfiguration
    /// The open-image registry.
    public let registry: ImageRegistry
    /// The encoded-tile cache.
    public let tileCache: TileCache
    /// Decoded tiles for region exports.
    public let decodedTiles: DecodedTileCache
    /// The threads for blocking C work.
    public let executor: CodecExecutor
    /// The admission-controlled queue of jobs.
    public let intake: PipelineIntake
    let responses: ResponseFactory
    let parse: ParseStage
    let plan: PlanStage
    let cacheLookup: CacheLookupStage
    let decode = DecodeStage()
    let transform = TransformStage()
    let encode: EncodeStage
    let exports: AsyncLimiter
    let logger: Logger

    /// Builds the pipeline and its actors from a configuration.
    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        executor = CodecExecutor(threadCount: configuration.codecThreads)
        registry = ImageRegistry(
            resolver: PathResolver(prefix: configuration.filesystemPrefix, suffix: configuration.filesystemSuffix),
            executor: executor, capacity: configuration.maxMetadataCacheSize,
            checkInterval: configuration.fileCheckDuration,
            handlesPerImage: configuration.maxHandlesPerImage,
            limits: ImageLimits(maxImageSide: configuration.maxImageSide))
        tileCache = TileCache(budgetBytes: configuration.tileCacheBytes)
        decodedTiles = DecodedTileCache(budgetBytes: configuration.decodedCacheBytes)
        intake = PipelineIntake(
            maxInFlight: configuration.maxRequestsInFlight, maxQueued: configuration.maxRequestsQueued)
        responses = ResponseFactory(configuration: configuration)
        encode = EncodeStage(maxICC: configuration.maxICC, tiffCompression: configuration.tiffCompression)
        parse = ParseStage(
            maxQueryLength: configuration.maxQueryLength, uriMap: URIMap(configuration.uriMap), responses: responses)
        plan = PlanStage(
            registry: registry, configuration: configuration, responses: responses, formats: EncodeStage.formats,
            logger: logger)
        cacheLookup = CacheLookupStage(cache: tileCache)
        let reclaimer = MemoryReclaimer(interval: configuration.memoryTrimDuration, executor: executor)
        exports = AsyncLimiter(permits: configuration.maxExportsInFlight) { reclaimer.exportsWentIdle() }
    }

    /// Answers `request` through the intake (503 at once when the intake is full).
    public func respond(to request: ServerRequest) async -> ServerResponse {
        await intake.submit(request) { [responses] in responses.unavailable() }
    }

    /// Consumes the intake until ``finish()``; run it as a service for the server's lifetime.
    public func run() async {
        await intake.run { [self] request in await process(request) }
    }

    /// Stops taking new requests; ``run()`` returns once the queued ones are answered.
    public func finish() {
        intake.finish()
    }

    /// Stops the codec threads. Call after ``run()`` has returned.
    public func shutdown() async {
        await executor.shutdown()
    }

    /// Empties the tile cache and the image registry (SIGHUP).
    public func emptyCaches() async {
        await tileCache.removeAll()
        await decodedTiles.removeAll()
        await registry.removeAll()
    }

    /// Runs every stage for one request.
    public func process(_ request: ServerRequest) async -> ServerResponse {
        let start = ContinuousClock.now
        let response = await stages(request)
        if logger.logLevel <= .debug {
            logger.debug(
                "request",
                metadata: [
                    "query": "\(request.query)", "status": "\(response.status)",
                    "microseconds": "\((ContinuousClock.now - start).microseconds)",
                ])
        }
        return response
    }

    private func stages(_ request: ServerRequest) async -> ServerResponse {
        // 1. Parse
        let plan: Plan
        switch parse.run(request) {
        case .immediate(let response): return response
        case .landingPage: return responses.landingPage()
        case .iip(let requestString, let items):
            // 2. Plan
            plan = await self.plan.run(requestString: requestString, items: items, request: request)
        case .route(let route):
            plan = await self.plan.run(route: route, request: request)
        }
        do {
            switch plan {
            case .respond(let response): return response
            case .tile(let job): return try await tile(job)
            case .tiles(let job): return try await tileRange(job)
            case .region(let job): return try await region(job)
            }
        } catch let error as ImagingError {
            return respond(to: error)
        } catch is CancellationError {
            // The client went away while the request waited for a codec thread.
            return ServerResponse(status: 499)
        } catch {
            logger.error("request failed", metadata: ["query": "\(request.query)", "error": "\(error)"])
            return responses.textError(status: 500, "internal error")
        }
    }

    // MARK: - Tiles

    private func tile(_ job: TileJob) async throws -> ServerResponse {
        // 3. CacheLookup; on a miss 4-6 run once on the codec threads.
        let (bytes, _) = try await cacheLookup.run(job) { [self] in try await renderTile(job) }
        return responses.content(
            bytes, mediaType: job.format.mediaType, lastModified: job.image.status.modifiedSeconds,
            extraHeaders: job.extraHeaders)
    }

    private func renderTile(_ job: TileJob) async throws -> ByteBuffer {
        let passThrough =
            configuration.codecPassthrough && job.format == .jpeg && job.qualityIsDefault
            && job.processing.isIdentity
        return try await executor.run { [decode, transform, encode] in
            // Codec pass-through: a stored JPEG tile that nothing changes is sent as stored (iipsrv-reference §3.3).
            if passThrough, let stored = try job.image.storedJPEGTile(resolution: job.resolution, tile: job.tile) {
                return ByteBuffer(bytes: stored)
            }
            // 4. Decode
            let pixels = try decode.tile(job.image, resolution: job.resolution, tile: job.tile)
            // 5-6. Transform and encode
            let image = job.image.description
            let output = Output(
                format: job.format, quality: job.quality, processing: job.processing,
                scale: Double(image.levels[job.resolution].width) / Double(max(image.width, 1)))
            return try Self.finish(pixels, of: job.image, as: output, transform: transform, encode: encode)
        }
    }

    /// What a picture becomes: its format, quality and processing, and for exports its size.
    struct Output: Sendable {
        var format: EncodedFormat
        var quality: Int
        var processing: ImageProcessing
        /// Output pixels per full-resolution pixel, for the density written into the file.
        var scale: Double
        var size: (width: Int, height: Int)?
        var resampling: Resampling = .bilinear
        var compression: String?
        /// Exports carry the image's text fields and XMP; tiles only ICC and density.
        var descriptive = false
    }

    /// Stages 5 and 6 for every kind of request (tiles, tile ranges, exports): decoded samples to encoded bytes.
    /// Blocking: called on the codec threads.
    static func finish(
        _ pixels: PixelBuffer, of image: OpenImage, as output: Output, transform: TransformStage, encode: EncodeStage
    ) throws -> ByteBuffer {
        let histogram = TransformStage.needsHistogram(output.processing) ? try image.histogram() : nil
        let settings = TransformStage.Settings(
            image: image.description, processing: output.processing, histogram: histogram, outputSize: output.size,
            resampling: output.resampling, format: output.format)
        let ready = try transform.run(pixels, settings: settings)
        let metadata = encode.metadata(
            for: image.description, scale: output.scale, processing: output.processing,
            descriptive: output.descriptive)
        return try encode.run(
            ready, format: output.format, quality: output.quality, metadata: metadata,
            compression: output.compression)
    }

    /// TIL: each tile as a FlashPix record (iipsrv-reference §3.4).
    private func tileRange(_ job: TileRangeJob) async throws -> ServerResponse {
        var body = ByteBuffer()
        for tile in job.tiles {
            let (bytes, _) = try await cacheLookup.run(tile) { [self] in try await renderTile(tile) }
            body.writeString("Tile,\(tile.resolution),\(tile.tile),0/\(bytes.readableBytes + 8):")
            body.writeBytes([0x02, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00])
            body.writeImmutableBuffer(bytes)
            body.writeStaticString("\r\n")
        }
        let lastModified = job.tiles.first?.image.status.modifiedSeconds
        return responses.content(body, mediaType: "application/vnd.netfpx", lastModified: lastModified)
    }

    // MARK: - Regions

    /// Exports hold their decoded pixels until encoded: at most MAX_EXPORTS_IN_FLIGHT run at once, each decoding
    /// at most MAX_EXPORT_PIXELS source pixels, so the memory they use is bounded.
    private func region(_ job: RegionJob) async throws -> ServerResponse {
        // Both the source pixels decoded and the output pixels written are bounded by MAX_EXPORT_PIXELS, so neither
        // a huge region nor a huge WID/HEI (MAX_CVT=-1 with upscaling) can exhaust memory. Products are checked: a
        // size from a request may be anything up to 2^31-1 per side.
        let source = job.plan.sourceRect.width.multipliedReportingOverflow(by: job.plan.sourceRect.height)
        guard !source.overflow, source.partialValue <= configuration.maxExportPixels else {
            throw ImagingError.tooLarge(
                "the region needs more than MAX_EXPORT_PIXELS (\(configuration.maxExportPixels)) source pixels")
        }
        // A size the output format cannot hold is refused before any work (EncodeStage checks again after rotation).
        guard job.plan.outputWidth <= job.format.maxSide, job.plan.outputHeight <= job.format.maxSide else {
            throw ImagingError.tooLarge(
                "\(job.plan.outputWidth)x\(job.plan.outputHeight) is larger than \(job.format.rawValue) allows")
        }
        // Bytes, too: a file may have up to 256 bands of 32-bit samples, so pixels alone do not bound the memory the
        // decoded region needs. Checked before any tile is decoded.
        let description = job.image.description
        let bytesPerSample = (max(description.bitsPerSample, 1) + 7) / 8
        guard
            let bytes = Int.checkedProduct(
                job.plan.sourceRect.width, job.plan.sourceRect.height, max(description.channels, 1), bytesPerSample),
            bytes <= ImageLimits.default.maxBufferBytes
        else {
            throw ImagingError.tooLarge("the region's decoded samples would exceed the export memory limit")
        }
        let output = job.plan.outputWidth.multipliedReportingOverflow(by: job.plan.outputHeight)
        guard !output.overflow, output.partialValue <= configuration.maxExportPixels else {
            throw ImagingError.tooLarge(
                "the output would have more than MAX_EXPORT_PIXELS (\(configuration.maxExportPixels)) pixels")
        }
        return try await exports.run { [self] in try await export(job) }
    }

    private func export(_ job: RegionJob) async throws -> ServerResponse {
        let image = job.image
        let level = image.description.levels[job.plan.resolution]
        let rect = job.plan.sourceRect
        // 4. Decode the tiles that cover the region, in parallel on the codec threads.
        let indices = decode.tiles(covering: rect, in: level)
        let tiles = try await withThrowingTaskGroup(of: (Int, PixelBuffer).self) { group in
            for index in indices {
                group.addTask { [executor, decode, decodedTiles] in
                    let key = DecodedTileCache.Key(
                        imagePath: image.path, modified: image.status.modified, resolution: job.plan.resolution,
                        tile: index)
                    let pixels = try await decodedTiles.tile(for: key) {
                        try await executor.run { try decode.tile(image, resolution: job.plan.resolution, tile: index) }
                    }
                    return (index, pixels)
                }
            }
            var decoded: [(index: Int, pixels: PixelBuffer)] = []
            for try await (index, pixels) in group { decoded.append((index, pixels)) }
            return decoded
        }
        // 5-6. Compose, transform and encode in one job.
        let output = Output(
            format: job.format, quality: job.quality, processing: job.processing,
            scale: Double(job.plan.outputWidth) / Double(max(job.plan.fullRect.width, 1)),
            size: (job.plan.outputWidth, job.plan.outputHeight), resampling: job.interpolation,
            compression: job.compression, descriptive: true)
        let bytes = try await executor.run { [decode, transform, encode] in
            let composed = try decode.compose(tiles, rect: rect, level: level)
            return try Self.finish(composed, of: image, as: output, transform: transform, encode: encode)
        }
        var disposition: String?
        if job.disposition {
            let name = Self.baseName(image.path)
            let size = "\(job.plan.outputWidth)x\(job.plan.outputHeight)"
            disposition = "inline; filename=\"\(name)_\(size).\(job.format.fileExtension)\""
        }
        return responses.content(
            bytes, mediaType: job.format.mediaType, lastModified: image.status.modifiedSeconds,
            disposition: disposition, extraHeaders: job.extraHeaders)
    }

    /// The file name without directories and extension, for Content-Disposition.
    static func baseName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        let name = stem.isEmpty ? file : stem
        return String(name.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0.value >= 0x20 }.map(Character.init))
    }

    private func respond(to error: ImagingError) -> ServerResponse {
        switch error {
        case .tooLarge, .invalidParameter: return responses.textError(status: 400, error.description)
        case .encodeFailed:
            logger.error("encoding failed", metadata: ["error": "\(error)"])
            return responses.textError(status: 500, error.description)
        default:
            logger.notice("image error", metadata: ["error": "\(error)"])
            return responses.textError(status: 404, error.description)
        }
    }
}

extension Duration {
    /// The duration in whole microseconds.
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
