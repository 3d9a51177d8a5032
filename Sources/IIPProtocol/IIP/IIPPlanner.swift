public import IIPModel

/// Plans an IIP request: runs its commands left to right against the image the pipeline opened and decides what
/// to produce (iipsrv-reference §1.4, §2, §3). Pure: no I/O, no state between calls.
///
/// Setters build up the view; the first output command that produces an image ends the interpretation. OBJ lines
/// and errors accumulate and are answered after the last command. A malformed argument of a known command answers
/// 400 at once. An unknown command is reported (`2 2`) unless an image is produced, so viewers that add a
/// cache-busting parameter still get tiles.
public final class IIPPlanner: Sendable {
    let settings: ProtocolSettings
    let reader: RequestReader

    /// Creates a planner.
    public init(settings: ProtocolSettings) {
        self.settings = settings
        reader = RequestReader(settings: settings)
    }

    /// What an IIP request comes to.
    public enum Outcome: Sendable {
        /// A plan, about the image of the FIF in force when it was made.
        case planned(PlannedRequest)
        /// A Zoomify, DeepZoom or IIIF command was reached: that protocol answers (iipsrv-reference §3.6, §3.7, §4).
        case delegated(ProtocolRequest)
    }

    /// The per-request state that setters change (iipsrv's "view").
    struct View {
        var image: ImageDescription?
        var path: String?
        var processing = ImageProcessing()
        var quality: Int?
        var compression: String?
        var width = 0
        var height = 0
        var region = NormalizedRegion.full
        var angles = SequenceAngles()
        var layers: Int?
        var lines: [String] = []
        var mediaType: String?
        var errors: [IIPError] = []
        var unknown: [IIPError] = []
    }

    /// Plans the commands of a request string, left to right.
    ///
    /// - Parameters:
    ///   - images: The descriptions of the images ``RequestReader/imagePaths(of:request:)`` named, opened, by
    ///     path. Each FIF switches to its image; commands before the first run without one, as iipsrv's do.
    ///   - request: The request, for a IIIF command's version negotiation.
    public func plan(
        requestString: String, items: [IIPRequestItem], request: ServerRequest,
        images: (String) -> ImageDescription?
    ) throws(ProtocolError) -> Outcome {
        var view = View()
        for item in items {
            switch item {
            case .unsupported(let name):
                view.unknown.append(IIPError(.unsupportedCommand, name.uppercased()))
            case .malformed(let name, let argument):
                throw ProtocolError(iip: [IIPError(.malformedRequest, "\(name.uppercased())=\(argument)")])
            case .command(let command):
                if let embedded = try reader.embeddedRequest(command, request: request) { return .delegated(embedded) }
                if var plan = try apply(command, to: &view, images: images) {
                    // A CVT sent with POST (a form's download button) is offered as a file to save (§5.4).
                    if case .region(var region) = plan, request.method == .post {
                        region.delivery.attachment = true
                        plan = .region(region)
                    }
                    return .planned(PlannedRequest(plan, imagePath: view.path))
                }
            }
        }
        if !view.errors.isEmpty || !view.unknown.isEmpty {
            throw ProtocolError(iip: view.errors + view.unknown)
        }
        guard !view.lines.isEmpty else {
            throw ProtocolError(iip: [IIPError(.malformedRequest, requestString)])
        }
        // OBJ answers: each line ends in CR LF (iipsrv-reference §3.1).
        let text = view.lines.map { $0 + "\r\n" }.joined()
        let document = Document(.text(text), mediaType: view.mediaType ?? "application/vnd.netfpx")
        return .planned(PlannedRequest(.document(document), imagePath: view.path))
    }

    /// Applies one command; returns a plan when the command ends the request.
    private func apply(
        _ command: IIPCommand, to view: inout View, images: (String) -> ImageDescription?
    ) throws(ProtocolError) -> ImagePlan? {
        switch command {
        case .fif(let path):
            // Images named after the command that produced the answer are never opened; they cannot be reached.
            view.image = images(path)
            view.path = view.image == nil ? nil : path
        case .quality(let quality, let compression):
            view.quality = quality
            if let compression { view.compression = compression }
        case .sequence(let x, let y):
            view.angles = SequenceAngles(horizontal: x, vertical: y ?? 0)
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
        case .layers(let count):
            view.layers = count
        case .icc:
            break
        case .object(let name):
            addObject(name, to: &view)
        case .tile(let format, let resolution, let tile):
            return try tilePlan(
                format: format, resolution: resolution, tile: tile, name: Self.tileCommand(format), view: &view)
        case .legacyTile(let x, let resolution, let tile, let y):
            view.angles = SequenceAngles(horizontal: x, vertical: y)
            return try tilePlan(format: .jpeg, resolution: resolution, tile: tile, name: "JTLS", view: &view)
        case .tiles(let resolution, let first, let last):
            return try tileRangePlan(resolution: resolution, first: first, last: last, view: &view)
        case .convert(let format):
            return regionPlan(format: format, view: &view)
        case .spectra(let resolution, let tile, let x, let y):
            return try spectraPlan(resolution: resolution, tile: tile, x: x, y: y, view: &view)
        case .profile(let resolution, let x1, let y1, let x2, let y2):
            return try profilePlan(resolution: resolution, from: (x1, y1), to: (x2, y2), view: &view)
        case .zoomify, .deepZoom, .iiif:
            break  // delegated before they are applied
        }
        return nil
    }

    // MARK: - SPECTRA and PFL (iipsrv-reference §3.5)

    /// The views SPECTRA and PFL read: every horizontal view (sequence band or stack layer) at the vertical angle
    /// in force, named by the stack layer's name or the angle.
    private static func sampleViews(_ image: ImageDescription, vertical: Int) -> [SamplePlan.View] {
        image.horizontalViews.map { angle in
            let layer = image.stack.first { $0.index == angle }
            let name = layer.map { $0.name.isEmpty ? String(angle) : $0.name } ?? String(angle)
            return SamplePlan.View(
                angles: SequenceAngles(horizontal: angle, vertical: image.stack.isEmpty ? vertical : 0), name: name,
                scale: layer?.scale ?? 1)
        }
    }

    /// SPECTRA: one pixel of a tile, `x`, `y` inside the tile, in every view.
    private func spectraPlan(
        resolution: Int, tile: Int, x: Int, y: Int, view: inout View
    ) throws(ProtocolError) -> ImagePlan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, "SPECTRA"))
            return nil
        }
        guard resolution < image.resolutionCount else {
            throw .notFound("Asked for non-existent resolution: \(resolution)")
        }
        let level = image.levels[resolution]
        guard tile < level.tileCount, let rect = level.tileRect(tile) else {
            throw .notFound("Asked for non-existent tile: \(tile)")
        }
        guard x < rect.width, y < rect.height else {
            throw .badRequest("SPECTRA :: Error: x,y coordinates outside of tile boundaries")
        }
        return .samples(
            SamplePlan(
                kind: .spectra, resolution: resolution,
                rect: PixelRect(x: rect.x + x, y: rect.y + y, width: 1, height: 1),
                views: Self.sampleViews(image, vertical: view.angles.vertical),
                bitsPerSample: Self.bitsAsRead(image)))
    }

    /// PFL: a horizontal line when `to` is right of `from`, else a vertical one when it is below, else one pixel.
    private func profilePlan(
        resolution: Int, from: (x: Int, y: Int), to: (x: Int, y: Int), view: inout View
    ) throws(ProtocolError) -> ImagePlan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, "PFL"))
            return nil
        }
        guard resolution < image.resolutionCount else {
            throw .badRequest("PFL :: Invalid resolution number: \(resolution)")
        }
        let level = image.levels[resolution]
        let rect: PixelRect
        if to.x > from.x {
            rect = PixelRect(x: from.x, y: from.y, width: to.x - from.x, height: 1)
        } else if to.y > from.y {
            rect = PixelRect(x: from.x, y: from.y, width: 1, height: to.y - from.y)
        } else {
            rect = PixelRect(x: from.x, y: from.y, width: 1, height: 1)
        }
        guard rect.x + rect.width <= level.width, rect.y + rect.height <= level.height else {
            throw .badRequest("PFL :: Invalid coordinates: \(from.x),\(from.y)-\(to.x),\(to.y)")
        }
        return .samples(
            SamplePlan(
                kind: .profile, resolution: resolution, rect: rect,
                views: Self.sampleViews(image, vertical: view.angles.vertical), bitsPerSample: Self.bitsAsRead(image)))
    }

    /// The sample size sources hand out: 2-7 bits widened to 8, 9-15 to 16.
    private static func bitsAsRead(_ image: ImageDescription) -> Int {
        switch image.bitsPerSample {
        case ...8: 8
        case ...16: 16
        default: 32
        }
    }

    /// The command that asks for a tile in `format`.
    static func tileCommand(_ format: OutputFormat) -> String {
        switch format {
        case .png: "PTL"
        case .webp: "WTL"
        case .avif: "ATL"
        case .tiff: "TTL"
        default: "JTL"
        }
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
        switch IIPObjectFormatter.answer(object, image: view.image, rotation: view.processing.rotation) {
        case .lines(let lines):
            view.lines += lines
        case .typedLines(let lines, let mediaType):
            view.lines += lines
            if !lines.isEmpty { view.mediaType = mediaType }
        }
    }

    private func rendering(_ format: OutputFormat, view: View) -> Rendering {
        Rendering(
            format: format, quality: settings.qualities.value(for: format, requested: view.quality),
            qualityIsDefault: view.quality == nil, processing: view.processing, angles: view.angles,
            layers: view.layers)
    }

    private func tilePlan(
        format: OutputFormat, resolution: Int, tile: Int, name: String, view: inout View
    ) throws(ProtocolError) -> ImagePlan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, name))
            return nil
        }
        guard settings.formats.contains(format) else {
            view.errors.append(IIPError(.unsupportedCommand, name))
            return nil
        }
        guard resolution < image.resolutionCount else {
            throw .notFound("Asked for non-existent resolution: \(resolution)")
        }
        let level = image.levels[resolution]
        guard tile < level.tileCount else { throw .notFound("Asked for non-existent tile: \(tile)") }
        var index = tile
        if view.processing.rotation.quarterTurns == 2 && !view.processing.rotation.mirrored {
            index = level.tileCount - 1 - tile
        }
        return .tile(TilePlan(resolution: resolution, tile: index, rendering: rendering(format, view: view)))
    }

    private func tileRangePlan(
        resolution: Int, first: Int, last: Int, view: inout View
    ) throws(ProtocolError) -> ImagePlan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, "TIL"))
            return nil
        }
        guard resolution < image.resolutionCount else {
            throw .notFound("Asked for non-existent resolution: \(resolution)")
        }
        let level = image.levels[resolution]
        guard last < level.tileCount else { throw .notFound("Asked for non-existent tile: \(last)") }
        let across = max(level.tilesAcross, 1)
        let (firstColumn, lastColumn) = (min(first % across, last % across), max(first % across, last % across))
        let (firstRow, lastRow) = (first / across, last / across)
        // Spans are below the level's tile count, so these products cannot overflow.
        let count = (lastColumn - firstColumn + 1) * (lastRow - firstRow + 1)
        guard count <= settings.maxTileRange else {
            throw .badRequest("TIL asks for \(count) tiles, more than MAX_TILE_RANGE (\(settings.maxTileRange))")
        }
        var tiles: [Int] = []
        tiles.reserveCapacity(count)
        for column in firstColumn...lastColumn {
            for row in firstRow...lastRow { tiles.append(row * across + column) }
        }
        return .tiles(
            TileRangePlan(
                resolution: resolution, tiles: tiles, rendering: rendering(.jpeg, view: view),
                compressionType: IIPTileRecord.compressionType(bitsPerSample: image.bitsPerSample)))
    }

    private func regionPlan(format requested: OutputFormat, view: inout View) -> ImagePlan? {
        guard let image = view.image else {
            view.errors.append(IIPError(.imageUnavailable, "CVT"))
            return nil
        }
        // An unknown or unavailable CVT format is JPEG, as in iipsrv.
        let format = settings.formats.contains(requested) ? requested : .jpeg
        let export = RegionExportPlanner.plan(
            image: image, region: view.region, width: view.width, height: view.height, maxSize: settings.maxCVT,
            allowUpscaling: settings.allowUpscaling)
        let name =
            "\(Self.baseName(view.path ?? ""))_\(export.outputWidth)x\(export.outputHeight).\(format.fileExtension)"
        return .region(
            RegionPlan(
                export: export, rendering: rendering(format, view: view), compression: view.compression,
                resampling: settings.resampling, delivery: Delivery(fileName: name)))
    }

    /// The file name without directories and extension, printable ASCII without quotes, for Content-Disposition.
    static func baseName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = file.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        let name = stem.isEmpty ? file : stem
        return String(name.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0.value >= 0x20 }.map(Character.init))
    }
}
