public import IIPImaging
import IIPModel
public import IIPProtocol
public import Logging

/// Stage 2, Plan: runs IIP commands left to right and decides what to produce (iipsrv-reference §1.4, §2).
///
/// Setters build up the view; FIF opens the image through the registry (and answers 304 when the client's
/// copy is current); the first output command that produces an image ends the interpretation. OBJ lines and
/// errors accumulate and are answered after the last command.
///
/// Errors: a malformed argument of a known command answers 400 at once. An unknown command is reported
/// (`2 2`) unless an image is produced, so viewers that add a cache-busting parameter still get tiles.
public struct PlanStage: Sendable {
    let opener: OpenStage
    let configuration: ServerConfiguration
    let responses: ResponseFactory
    let formats: Set<EncodedFormat>
    let logger: Logger
    let qualities: OutputQuality
    let iiif: IIIFPlanner
    let deepZoom: DeepZoomPlanner
    let zoomify: ZoomifyPlanner

    /// Creates the stage.
    public init(
        registry: ImageRegistry, configuration: ServerConfiguration, responses: ResponseFactory,
        formats: Set<EncodedFormat>, logger: Logger
    ) {
        opener = OpenStage(registry: registry, responses: responses, logger: logger)
        self.configuration = configuration
        self.responses = responses
        self.formats = formats
        self.logger = logger
        qualities = OutputQuality(configuration: configuration)
        iiif = IIIFPlanner(opener: opener, configuration: configuration, responses: responses, formats: formats)
        deepZoom = DeepZoomPlanner(opener: opener, configuration: configuration, responses: responses)
        zoomify = ZoomifyPlanner(opener: opener, configuration: configuration, responses: responses)
    }

    /// The per-request state that setters change (iipsrv's "view").
    struct View {
        var image: OpenImage?
        var processing = ImageProcessing()
        var quality: Int?
        var compression: String?
        var width = 0
        var height = 0
        var region = NormalizedRegion.full
        var angles = (x: 0, y: 90)
        var lines: [String] = []
        var mediaType: String?
        var errors: [IIPError] = []
        var unknown: [IIPError] = []
    }

    /// Interprets a path-style protocol request.
    public func run(route: PathRoute, request: ServerRequest) async -> Plan {
        switch route {
        case .iiif(let rawArgument): await iiif.run(rawArgument: rawArgument, request: request)
        case .deepZoom(let argument): await deepZoom.run(argument: argument, request: request)
        case .zoomify(let argument): await zoomify.run(argument: argument, request: request)
        }
    }

    /// Interprets the commands of an IIP request.
    public func run(requestString: String, items: [IIPRequestItem], request: ServerRequest) async -> Plan {
        var view = View()
        for item in items {
            switch item {
            case .unsupported(let name):
                view.unknown.append(IIPError(.unsupportedCommand, name.uppercased()))
            case .malformed(let name, let argument):
                logger.debug("malformed IIP argument", metadata: ["command": "\(name)", "argument": "\(argument)"])
                return .respond(responses.iipErrors([IIPError(.malformedRequest, "\(name.uppercased())=\(argument)")]))
            case .command(let command):
                if let plan = await apply(command, to: &view, request: request) { return plan }
            }
        }
        if !view.errors.isEmpty || !view.unknown.isEmpty {
            return .respond(responses.iipErrors(view.errors + view.unknown))
        }
        guard !view.lines.isEmpty else {
            return .respond(responses.iipErrors([IIPError(.malformedRequest, requestString)]))
        }
        return .respond(
            responses.objects(
                view.lines, mediaType: view.mediaType ?? "application/vnd.netfpx",
                lastModified: view.image?.status.modifiedSeconds))
    }

    /// Applies one command; returns a plan when the command ends the request.
    private func apply(_ command: IIPCommand, to view: inout View, request: ServerRequest) async -> Plan? {
        switch command {
        case .fif(let path):
            switch await opener.run(path: path, request: request) {
            case .image(let image): view.image = image
            case .answer(let response): return .respond(response)
            }
        case .quality(let quality, let compression):
            view.quality = quality
            if let compression { view.compression = compression }
        case .sequence(let x, let y):
            view.angles = (x, y ?? 0)
        case .minMax(let range):
            view.processing.sampleRanges.append(range)
        case .contrast(let contrast):
            view.processing.contrast = contrast
        case .gamma(let gamma):
            view.processing.gamma = gamma
        case .width(let width):
            view.width = width
        case .height(let height):
            view.height = height
        case .region(let region):
            if let region { view.region = region }
        case .rotation(let rotation):
            view.processing.rotation = rotation
        case .colorMap(let map):
            view.processing.colorMap = map
        case .invert:
            view.processing.invert = true
        case .shade(let light):
            view.processing.shade = light
        case .colorTwist(let matrix):
            view.processing.colorTwist = matrix
        case .colorConversion(let conversion):
            view.processing.colorConversion = conversion
        case .convolution(let kernel):
            view.processing.convolution = kernel
        case .layers, .icc:
            break
        case .object(let name):
            addObject(name, to: &view)
        case .tile(let format, let resolution, let tile):
            let names: [OutputFormat: String] = [.jpeg: "JTL", .png: "PTL", .webp: "WTL", .avif: "ATL", .tiff: "TTL"]
            return tilePlan(
                format: format, resolution: resolution, tile: tile, name: names[format] ?? "JTL", view: &view)
        case .legacyTile(let x, let resolution, let tile, let y):
            view.angles = (x, y)
            return tilePlan(format: .jpeg, resolution: resolution, tile: tile, name: "JTLS", view: &view)
        case .tiles(let resolution, let first, let last):
            return tileRangePlan(resolution: resolution, first: first, last: last, view: &view)
        case .convert(let format):
            return regionPlan(format: format, view: &view)
        case .spectra:
            view.errors.append(IIPError(.unsupportedCommand, "SPECTRA"))
        case .profile:
            view.errors.append(IIPError(.unsupportedCommand, "PFL"))
        case .zoomify(let argument):
            return await zoomify.run(argument: argument, request: request)
        case .deepZoom(let argument):
            return await deepZoom.run(argument: argument, request: request)
        case .iiif(let argument):
            return await iiif.run(rawArgument: argument, request: request)
        }
        return nil
    }

    private func addObject(_ name: String, to view: inout View) {
        guard let object = IIPObject(name: name) else {
            view.errors.append(IIPError(.unsupportedObject, name))
            return
        }
        if object.needsImage && view.image == nil {
            view.errors.append(IIPError(.imageUnavailable, name))
            return
        }
        switch IIPObjectFormatter.answer(
            object, image: view.image?.description, rotation: view.processing.rotation)
        {
        case .lines(let lines):
            view.lines += lines
        case .typedLines(let lines, let mediaType):
            view.lines += lines
            if !lines.isEmpty { view.mediaType = mediaType }
        }
    }

    private func quality(for format: EncodedFormat, view: View) -> Int {
        qualities.value(for: format, requested: view.quality)
    }

    private func tilePlan(
        format requested: OutputFormat, resolution: Int, tile: Int, name: String, view: inout View
    ) -> Plan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, name))
            return nil
        }
        guard let format = EncodedFormat(requested), formats.contains(format) else {
            view.errors.append(IIPError(.unsupportedCommand, name))
            return nil
        }
        let description = image.description
        guard resolution < description.resolutionCount else {
            return .respond(responses.textError(status: 404, "Asked for non-existent resolution: \(resolution)"))
        }
        let level = description.levels[resolution]
        guard tile < level.tileCount else {
            return .respond(responses.textError(status: 404, "Asked for non-existent tile: \(tile)"))
        }
        var index = tile
        if view.processing.rotation.quarterTurns == 2 && !view.processing.rotation.mirrored {
            index = level.tileCount - 1 - tile
        }
        return .tile(
            TileJob(
                image: image, resolution: resolution, tile: index, format: format,
                quality: quality(for: format, view: view), qualityIsDefault: view.quality == nil,
                processing: view.processing, angles: view.angles))
    }

    private func tileRangePlan(resolution: Int, first: Int, last: Int, view: inout View) -> Plan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, "TIL"))
            return nil
        }
        guard resolution < image.description.resolutionCount else {
            return .respond(responses.textError(status: 404, "Asked for non-existent resolution: \(resolution)"))
        }
        let level = image.description.levels[resolution]
        guard last < level.tileCount else {
            return .respond(responses.textError(status: 404, "Asked for non-existent tile: \(last)"))
        }
        let across = max(level.tilesAcross, 1)
        let (firstColumn, lastColumn) = (min(first % across, last % across), max(first % across, last % across))
        let (firstRow, lastRow) = (first / across, last / across)
        // Spans are below the level's tile count, so these products cannot overflow.
        let count = (lastColumn - firstColumn + 1) * (lastRow - firstRow + 1)
        guard count <= configuration.maxTileRange else {
            return .respond(
                responses.textError(
                    status: 400, "TIL asks for \(count) tiles, more than MAX_TILE_RANGE (\(configuration.maxTileRange))"
                ))
        }
        var jobs: [TileJob] = []
        jobs.reserveCapacity(count)
        for column in firstColumn...lastColumn {
            for row in firstRow...lastRow {
                jobs.append(
                    TileJob(
                        image: image, resolution: resolution, tile: row * across + column, format: .jpeg,
                        quality: quality(for: .jpeg, view: view), qualityIsDefault: view.quality == nil,
                        processing: view.processing, angles: view.angles))
            }
        }
        return .tiles(TileRangeJob(tiles: jobs))
    }

    private func regionPlan(format requested: OutputFormat, view: inout View) -> Plan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, "CVT"))
            return nil
        }
        let format = EncodedFormat(requested).flatMap { formats.contains($0) ? $0 : nil } ?? .jpeg
        let plan = RegionExportPlanner.plan(
            image: image.description, region: view.region, width: view.width, height: view.height,
            maxSize: configuration.maxCVT, allowUpscaling: configuration.allowUpscaling)
        return .region(
            RegionJob(
                image: image, plan: plan, format: format, quality: quality(for: format, view: view),
                compression: view.compression, processing: view.processing,
                interpolation: configuration.interpolation == 0 ? .nearest : .bilinear, angles: view.angles))
    }
}
