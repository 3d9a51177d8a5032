package import IIPImaging
package import IIPModel
package import IIPProtocol
import Metrics
package import NIOCore

/// What a request produced, before it is written as HTTP.
package struct Product: Sendable {
    /// The bytes and their media type, or a redirect.
    package enum Content: Sendable {
        /// A body.
        case body(ByteBuffer, mediaType: String)
        /// 303 See Other.
        case redirect(location: String)
    }

    /// The content.
    package var content: Content
    /// The image's modification time in seconds, for Last-Modified.
    package var lastModified: Int64?
    /// Link, caching and naming from the protocol.
    package var delivery: Delivery
    /// The entity tag (ETag), for answers about images.
    package var etag: EntityTag? = nil
}

/// Stage 4, Render: executes a plan. Documents are written (and kept with the image when their protocol allows);
/// tiles go through ``CacheLookupStage`` and, on a miss, ``DecodeStage``, ``TransformStage`` and ``EncodeStage``
/// once however many ask; tile ranges are tiles in FlashPix framing; regions decode the tiles they cover in
/// parallel and take the same transform-and-encode path.
///
/// Bounded concurrency: every blocking C call (decode, transform, encode) runs on the ``CodecExecutor``'s threads,
/// never on Swift's cooperative pool, so at most as many run as there are codec threads; exports, which hold
/// decoded regions in memory, are also bounded by MAX_EXPORTS_IN_FLIGHT.
package final class RenderStage: PipelineStage {
    let cacheLookup: CacheLookupStage
    let decode: DecodeStage
    let transform: TransformStage
    let encode: EncodeStage
    let executor: CodecExecutor
    let decodedTiles: DecodedTileCache
    let exports: AsyncLimiter
    let passThrough: Bool
    let maxExportPixels: Int
    let watermark: Watermark?
    let watermarkProbability: Double
    let passedThrough = Counter(label: "iip_tiles_passed_through_total")

    /// Creates the stage.
    ///
    /// - Parameters:
    ///   - passThrough: CODEC_PASSTHROUGH: send stored JPEG tiles that nothing changes as stored.
    ///   - maxExportPixels: MAX_EXPORT_PIXELS: the most source or output pixels one export may have.
    ///   - watermark: WATERMARK, and WATERMARK_PROBABILITY, the share of tiles (and export blocks) marked.
    package init(
        cacheLookup: CacheLookupStage, encode: EncodeStage, executor: CodecExecutor, decodedTiles: DecodedTileCache,
        exports: AsyncLimiter, passThrough: Bool, maxExportPixels: Int, watermark: Watermark? = nil,
        watermarkProbability: Double = 1
    ) {
        self.watermark = watermark
        self.watermarkProbability = min(max(watermarkProbability, 0), 1)
        self.cacheLookup = cacheLookup
        decode = DecodeStage()
        transform = TransformStage()
        self.encode = encode
        self.executor = executor
        self.decodedTiles = decodedTiles
        self.exports = exports
        self.passThrough = passThrough
        self.maxExportPixels = maxExportPixels
    }

    /// Produces what `job` plans, with the job's entity tag (redirects have none).
    package func run(_ job: Job) async throws(Interruption) -> Product {
        var product = try await produce(job)
        if case .body = product.content { product.etag = job.etag }
        return product
    }

    private func produce(_ job: Job) async throws(Interruption) -> Product {
        let lastModified = job.image?.status.modifiedSeconds
        switch job.plan {
        case .redirect(let location):
            return Product(content: .redirect(location: location), lastModified: nil, delivery: Delivery())
        case .document(let document):
            return Product(
                content: .body(text(document, image: job.image), mediaType: document.mediaType),
                lastModified: lastModified, delivery: document.delivery)
        case .tile(let plan):
            let image = try Self.required(job.image)
            let bytes = try await tile(plan.resolution, plan.tile, plan.rendering, of: image)
            return Product(
                content: .body(bytes, mediaType: plan.rendering.format.mediaType), lastModified: lastModified,
                delivery: plan.delivery)
        case .tiles(let plan):
            let image = try Self.required(job.image)
            return Product(
                content: .body(try await tileRange(plan, of: image), mediaType: plan.mediaType),
                lastModified: lastModified, delivery: Delivery())
        case .region(let plan):
            let image = try Self.required(job.image)
            let bytes = try await region(plan, of: image)
            return Product(
                content: .body(bytes, mediaType: plan.rendering.format.mediaType), lastModified: lastModified,
                delivery: plan.delivery)
        case .samples(let plan):
            let document = try await samples(plan, of: try Self.required(job.image))
            return Product(
                content: .body(text(document, image: job.image), mediaType: document.mediaType),
                lastModified: lastModified, delivery: document.delivery)
        }
    }

    // MARK: - Samples

    /// SPECTRA and PFL: the plan's pixels read from every view, as stored, on the codec threads. At most
    /// MAX_EXPORT_PIXELS / 16 samples over all views (each becomes a number in the text answer).
    private func samples(_ plan: SamplePlan, of image: OpenImage) async throws(Interruption) -> Document {
        let limit = max(maxExportPixels / 16, 1)
        guard
            let count = Int.checkedProduct(
                plan.views.count, plan.rect.width, plan.rect.height, max(image.description.channels, 1)),
            count <= limit
        else {
            throw .imaging(.tooLarge("the profile would have more than \(limit) values (MAX_EXPORT_PIXELS / 16)"))
        }
        let timeline = RequestTimeline.current
        do {
            return try await executor.run { [self] () throws(ImagingError) -> Document in
                var values: [[Double]] = []
                var floatingPoint = false
                for view in plan.views {
                    let pixels = try timed(.decode, timeline) { () throws(ImagingError) in
                        try image.readRegion(resolution: plan.resolution, rect: plan.rect, view: view.angles)
                    }
                    floatingPoint = pixels.sampleFormat == .floatingPoint
                    values.append(pixels.sampleValues)
                }
                return plan.document(values: values, floatingPoint: floatingPoint)
            }
        } catch {
            throw Interruption.from(error)
        }
    }

    private static func required(_ image: OpenImage?) throws(Interruption) -> OpenImage {
        guard let image else { throw .failed("a plan that needs an image was made without one") }
        return image
    }

    private func text(_ document: Document, image: OpenImage?) -> ByteBuffer {
        switch document.body {
        case .text(let text):
            return ByteBuffer(string: text)
        case .memoized(let key, let make):
            return ByteBuffer(string: image?.document(key: key, make: make) ?? make())
        }
    }

    // MARK: - Tiles

    /// One encoded tile: from the cache, or rendered once on the codec threads however many ask.
    private func tile(
        _ resolution: Int, _ index: Int, _ rendering: Rendering, of image: OpenImage
    ) async throws(Interruption) -> ByteBuffer {
        let key = TileKey(
            imagePath: image.path, modified: image.status.modified, resolution: resolution, tile: index,
            horizontalAngle: image.view(rendering.angles).horizontal,
            verticalAngle: image.view(rendering.angles).vertical,
            format: rendering.format, quality: rendering.quality, processing: rendering.processing,
            layers: rendering.layers)
        // The watermark roll (iipsrv-reference §6.5) comes first: a tile it marks cannot be sent as stored. Tiles
        // are cached marked or not, so the roll counts once per tile while it stays in the cache, as in iipsrv 1.1.
        var generator = SystemRandomNumberGenerator()
        let marked = watermark != nil && Double.random(in: 0..<1, using: &generator) < watermarkProbability
        // The codec threads have no task-locals: the timeline goes to them by hand.
        let timeline = RequestTimeline.current
        // Work on the codec threads, its time (queueing included) taken out of the cache stage's.
        @Sendable func produced<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
            guard let timeline else { return try await executor.run(body) }
            let start = ContinuousClock.now
            defer { timeline.deduct(.now - start, from: .cache) }
            return try await executor.run(body)
        }
        do {
            guard cacheLookup.sharesTiles else {
                return try await cacheLookup.run(key) { [self] in
                    try await produced { [self] in
                        try storedTile(resolution, index, rendering, of: image, marked: marked, timeline: timeline)
                            ?? renderTile(resolution, index, rendering, of: image, marked: marked, timeline: timeline)
                    }
                }
            }
            // With memcached, a stored tile is looked for first, on its own: reading it beats the network.
            return try await cacheLookup.run(
                key,
                stored: { [self] in
                    try await produced { [self] in
                        try storedTile(resolution, index, rendering, of: image, marked: marked, timeline: timeline)
                    }
                },
                produce: { [self] in
                    try await produced { [self] in
                        try renderTile(resolution, index, rendering, of: image, marked: marked, timeline: timeline)
                    }
                })
        } catch {
            throw Interruption.from(error)
        }
    }

    /// Codec pass-through: a stored JPEG or WebP tile that nothing changes, as stored, with the ICC profile, XMP
    /// and EXIF a re-encoded tile would carry spliced in (iipsrv-reference §3.3, §6.6); `nil` when the tile must
    /// be decoded. Reading it counts as decoding. Blocking: runs on the codec threads.
    private func storedTile(
        _ resolution: Int, _ index: Int, _ rendering: Rendering, of image: OpenImage, marked: Bool,
        timeline: RequestTimeline?
    ) throws(ImagingError) -> ByteBuffer? {
        guard passThrough, !marked, rendering.allowsPassThrough else { return nil }
        let began = timeline == nil ? nil : ContinuousClock.now
        guard
            let stored = try image.storedTile(
                resolution: resolution, tile: index, format: rendering.format, view: rendering.angles)
        else { return nil }
        if let timeline, let began {
            timeline.record(.decode, from: began, to: .now)
            timeline.noteCache(.stored)
            timeline.notePassThrough()
        }
        passedThrough.increment()
        let description = image.description
        let scale = Double(description.levels[resolution].width) / Double(max(description.width, 1))
        let metadata = encode.metadata(
            for: description, scale: scale, processing: rendering.processing, descriptive: false)
        return ByteBuffer(bytes: try StoredTileMetadata.embedding(metadata, in: stored, format: rendering.format))
    }

    /// Decode, transform and encode one tile. Blocking: runs on the codec threads.
    private func renderTile(
        _ resolution: Int, _ index: Int, _ rendering: Rendering, of image: OpenImage, marked: Bool,
        timeline: RequestTimeline?
    ) throws(ImagingError) -> ByteBuffer {
        let description = image.description
        let scale = Double(description.levels[resolution].width) / Double(max(description.width, 1))
        timeline?.noteCache(.rendered)
        let pixels = try timed(.decode, timeline) { () throws(ImagingError) in
            try decode.tile(
                image, resolution: resolution, tile: index, layers: rendering.layers, view: rendering.angles)
        }
        var output = RenderTarget(rendering: rendering, scale: scale)
        output.watermark = marked ? .tile : nil
        return try finish(pixels, of: image, as: output, timeline: timeline)
    }

    /// `body`, its time counted as `stage` when there is a timeline.
    @inline(__always)
    private func timed<T>(_ stage: RequestStage, _ timeline: RequestTimeline?, _ body: () throws(ImagingError) -> T)
        throws(ImagingError) -> T
    {
        guard let timeline else { return try body() }
        return try timeline.measure(stage, body)
    }

    /// A tile range: each tile in the framing its plan gives.
    private func tileRange(_ plan: TileRangePlan, of image: OpenImage) async throws(Interruption) -> ByteBuffer {
        var body = ByteBuffer()
        for index in plan.tiles {
            let bytes = try await tile(plan.resolution, index, plan.rendering, of: image)
            body.writeBytes(
                plan.header(tile: index, byteCount: bytes.readableBytes))
            body.writeImmutableBuffer(bytes)
            body.writeBytes(IIPTileRecord.trailer)
        }
        return body
    }

    // MARK: - Regions

    /// Exports hold their decoded pixels until encoded: at most MAX_EXPORTS_IN_FLIGHT run at once, each within
    /// MAX_EXPORT_PIXELS source and output pixels and the buffer limit, so the memory they use is bounded. Every
    /// bound is checked before any tile is decoded; sizes from a request may be anything up to 2^31-1 a side.
    private func region(_ plan: RegionPlan, of image: OpenImage) async throws(Interruption) -> ByteBuffer {
        let export = plan.export
        let format = plan.rendering.format
        guard let source = Int.checkedProduct(export.sourceRect.width, export.sourceRect.height),
            source <= maxExportPixels
        else {
            throw .imaging(
                .tooLarge("the region needs more than MAX_EXPORT_PIXELS (\(maxExportPixels)) source pixels"))
        }
        // A size the output format cannot hold is refused before any work (EncodeStage checks again after rotation).
        guard export.outputWidth <= format.maxSide, export.outputHeight <= format.maxSide else {
            throw .imaging(
                .tooLarge("\(export.outputWidth)x\(export.outputHeight) is larger than \(format.rawValue) allows"))
        }
        // Bytes, too: a file may have up to 256 bands of 32-bit samples, so pixels alone do not bound the memory.
        let description = image.description
        let bytesPerSample = (max(description.bitsPerSample, 1) + 7) / 8
        guard
            let bytes = Int.checkedProduct(
                export.sourceRect.width, export.sourceRect.height, max(description.channels, 1), bytesPerSample),
            bytes <= ImageLimits.default.maxBufferBytes
        else {
            throw .imaging(.tooLarge("the region's decoded samples would exceed the export memory limit"))
        }
        guard let output = Int.checkedProduct(export.outputWidth, export.outputHeight), output <= maxExportPixels
        else {
            throw .imaging(
                .tooLarge("the output would have more than MAX_EXPORT_PIXELS (\(maxExportPixels)) pixels"))
        }
        // The export waits for and runs under its own bound (MAX_EXPORTS_IN_FLIGHT, MAX_EXPORTS_QUEUED): its request
        // slot goes to the next request, and its codec jobs queue behind the tiles' (CodecExecutor.Priority).
        AdmissionTicket.stepAsideCurrent()
        do {
            return try await CodecExecutor.$priority.withValue(.bulk) {
                try await exports.run { [self] in try await renderRegion(plan, of: image) }
            }
        } catch {
            throw Interruption.from(error)
        }
    }

    private func renderRegion(_ plan: RegionPlan, of image: OpenImage) async throws -> ByteBuffer {
        // An export whose client left while it waited for its slot ends here, before any work.
        try Task.checkCancellation()
        let timeline = RequestTimeline.current
        let export = plan.export
        let level = image.description.levels[export.resolution]
        let rect = export.sourceRect
        let full = image.description.fullLevel
        let output = RenderTarget(
            rendering: plan.rendering, scale: Double(export.outputWidth) / Double(max(export.fullRect.width, 1)),
            size: (export.outputWidth, export.outputHeight), resampling: plan.resampling,
            compression: plan.compression, descriptive: true,
            // Master's blocks: twice the full resolution's larger tile side.
            watermark: watermark == nil ? nil : .export(block: 2 * max(full.tileWidth, full.tileHeight)))
        // Decode the tiles (or the source's blocks) that cover the region, in parallel on the codec threads, kept
        // a while for neighbouring exports; or the whole region in one call when the source says so.
        let grid: PyramidLevel
        let blocks: Bool
        switch image.regionReading(resolution: export.resolution) {
        case .direct:
            return try await executor.run { [self] in
                let pixels = try timed(.decode, timeline) { () throws(ImagingError) in
                    try image.readRegion(
                        resolution: export.resolution, rect: rect, layers: plan.rendering.layers,
                        view: plan.rendering.angles)
                }
                return try finish(pixels, of: image, as: output, timeline: timeline)
            }
        case .blocks(let blockGrid):
            (grid, blocks) = (blockGrid, true)
        case .tiles:
            (grid, blocks) = (level, false)
        }
        let indices = grid.tiles(covering: rect)
        if !blocks, image.isRemote, indices.count > 1 {
            // Tiles on a remote store: fetch their bytes together first, neighbours merged into single requests.
            // (A value, not Void: Swift 6.3 crashes on a typed-throws thunk returning Void here.)
            _ = try await executor.run { () throws(ImagingError) -> Int in
                try image.prefetch(resolution: export.resolution, tiles: Array(indices), view: plan.rendering.angles)
                return indices.count
            }
        }
        let parts = try await withThrowingTaskGroup(of: (Int, PixelBuffer).self) { group in
            for index in indices {
                group.addTask { [self] in
                    try Task.checkCancellation()
                    let key = DecodedTileCache.Key(
                        imagePath: image.path, modified: image.status.modified, resolution: export.resolution,
                        tile: index, block: blocks, layers: plan.rendering.layers,
                        view: image.view(plan.rendering.angles))
                    let pixels = try await decodedTiles.tile(for: key) { [self] in
                        try await executor.run { [self] () throws(ImagingError) -> PixelBuffer in
                            try timed(.decode, timeline) { () throws(ImagingError) -> PixelBuffer in
                                guard blocks else {
                                    return try decode.tile(
                                        image, resolution: export.resolution, tile: index,
                                        layers: plan.rendering.layers, view: plan.rendering.angles)
                                }
                                guard let area = grid.tileRect(index) else { throw .noSuchTile(index) }
                                return try image.readRegion(
                                    resolution: export.resolution, rect: area, layers: plan.rendering.layers,
                                    view: plan.rendering.angles)
                            }
                        }
                    }
                    return (index, pixels)
                }
            }
            var decoded: [(index: Int, pixels: PixelBuffer)] = []
            for try await (index, pixels) in group { decoded.append((index, pixels)) }
            return decoded
        }
        return try await executor.run { [self] in
            let composed = try timed(.transform, timeline) { () throws(ImagingError) in
                try PixelBuffer.composing(parts, rect: rect, level: grid)
            }
            return try finish(composed, of: image, as: output, timeline: timeline)
        }
    }

    // MARK: - The one transform-and-encode path

    /// What a picture becomes: its rendering, and for exports its size.
    struct RenderTarget: Sendable {
        var rendering: Rendering
        /// Output pixels per full-resolution pixel, for the density written into the file.
        var scale: Double
        var size: (width: Int, height: Int)?
        var resampling: Resampling = .bilinear
        var compression: String?
        /// Exports carry the image's text fields and XMP; tiles only ICC and density.
        var descriptive = false
        /// Where the watermark goes, when it is on.
        var watermark: WatermarkPlacement?
    }

    /// How the watermark is placed (iipsrv-reference §6.5).
    enum WatermarkPlacement: Sendable {
        /// A tile the roll chose: once, at a random place inside it.
        case tile
        /// An export: each `block`-pixel square rolled and placed apart.
        case export(block: Int)
    }

    /// Transform and encode for every kind of request (tiles, tile ranges, exports): decoded samples to encoded
    /// bytes. Blocking: called on the codec threads.
    func finish(
        _ pixels: PixelBuffer, of image: OpenImage, as output: RenderTarget, timeline: RequestTimeline? = nil
    ) throws(ImagingError) -> ByteBuffer {
        let rendering = output.rendering
        let histogram = TransformStage.needsHistogram(rendering.processing) ? try image.histogram() : nil
        let settings = TransformStage.Settings(
            image: image.description, processing: rendering.processing, histogram: histogram,
            outputSize: output.size, resampling: output.resampling, format: rendering.format)
        let ready = try timed(.transform, timeline) { () throws(ImagingError) in
            var ready = try transform.run(pixels, settings: settings)
            if let watermark, let placement = output.watermark {
                var generator = SystemRandomNumberGenerator()
                switch placement {
                case .tile: watermark.mark(tile: &ready, probability: 1, using: &generator)
                case .export(let block):
                    watermark.mark(export: &ready, block: block, probability: watermarkProbability, using: &generator)
                }
            }
            return ready
        }
        let metadata = encode.metadata(
            for: image.description, scale: output.scale, processing: rendering.processing,
            descriptive: output.descriptive)
        return try timed(.encode, timeline) { () throws(ImagingError) in
            try encode.run(
                ready, format: rendering.format, quality: rendering.quality, metadata: metadata,
                compression: output.compression)
        }
    }
}
