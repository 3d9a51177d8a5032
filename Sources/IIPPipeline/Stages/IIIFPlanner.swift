import IIPImaging
import IIPModel
import IIPProtocol

/// The Plan stage for IIIF Image API 2.1 and 3.0 requests (iipsrv-reference §4): info.json, the 303 from the base
/// URI, and image requests, served from the tile path when they are exactly one tile of one level, else exported.
struct IIIFPlanner: Sendable {
    let opener: OpenStage
    let configuration: ServerConfiguration
    let responses: ResponseFactory
    let formats: Set<EncodedFormat>
    /// The IIIF formats this build can write.
    let iiifFormats: Set<IIIFFormat>
    /// The info.json settings without `rights`, worked out once: they depend on the configuration only.
    private let baseSettings: IIIFInfoSettings
    private let parser: IIIFRequestParser

    init(
        opener: OpenStage, configuration: ServerConfiguration, responses: ResponseFactory,
        formats: Set<EncodedFormat>
    ) {
        self.opener = opener
        self.configuration = configuration
        self.responses = responses
        self.formats = formats
        let iiifFormats = Set(
            IIIFFormat.allCases.filter { format in Self.encoded(format).map(formats.contains) ?? false })
        self.iiifFormats = iiifFormats
        let extra = iiifFormats.subtracting([.jpg, .png]).map(\.rawValue).sorted { lhs, rhs in
            Self.formatOrder.firstIndex(of: lhs) ?? 99 < Self.formatOrder.firstIndex(of: rhs) ?? 99
        }
        baseSettings = IIIFInfoSettings(
            maxWidth: configuration.maxCVT, maxHeight: configuration.maxCVT,
            allowUpscaling: configuration.allowUpscaling,
            arbitraryRotation: true, linkHeaders: true, formats: extra,
            qualities: configuration.iiifExtensions ? IIIFQuality.extensions.map(\.rawValue) : [],
            rights: nil, extraInfo: configuration.iiifExtraInfo.isEmpty ? nil : configuration.iiifExtraInfo)
        parser = IIIFRequestParser(formats: iiifFormats, extensions: configuration.iiifExtensions)
    }

    /// The info.json settings from the configuration (MAX_CVT, ALLOW_UPSCALING, IIIF_EXTENSIONS ...).
    func settings(rights: String?) -> IIIFInfoSettings {
        var settings = baseSettings
        settings.rights = rights
        return settings
    }

    static let formatOrder = ["tif", "webp", "gif", "jp2", "pdf"]

    /// Interprets one IIIF request; `rawArgument` is the still percent-encoded part after the prefix.
    func run(rawArgument: String, request: ServerRequest) async -> Plan {
        let standard: IIIFVersion = configuration.iiifVersion == 2 ? .v2 : .v3
        let version = IIIFVersion.negotiated(accept: request.accept, default: standard)
        let parsed: IIIFRequest
        do {
            parsed = try parser.parse(rawArgument, version: version)
        } catch {
            return .respond(responses.error(error))
        }
        switch parsed {
        case .baseRedirect:
            guard let location = identifierURL(request, trimming: 0).infoLocation(argument: rawArgument) else {
                return .respond(responses.textError(status: 400, "IIIF: cannot build the image's URL"))
            }
            return .respond(responses.redirect(to: location))
        case .info(let identifier):
            return await info(
                identifier: identifier, rawArgument: rawArgument, request: request, version: version,
                negotiated: version != standard)
        case .image(let identifier, let imageRequest):
            return await image(
                identifier: identifier, imageRequest, rawArgument: rawArgument, request: request, version: version,
                negotiated: version != standard)
        }
    }

    // MARK: - info.json

    private func info(
        identifier: String, rawArgument: String, request: ServerRequest, version: IIIFVersion, negotiated: Bool
    ) async -> Plan {
        let image: OpenImage
        switch await open(identifier, request: request) {
        case .image(let opened): image = opened
        case .answer(let response): return .respond(response)
        }
        guard let id = identifierURL(request, trimming: 1).id(argument: rawArgument) else {
            return .respond(responses.textError(status: 400, "IIIF: cannot build the image's id"))
        }
        let json = image.infoJSON(key: "\(version) \(id)") {
            let rights =
                image.description.metadata.rights.flatMap { $0.isEmpty ? nil : $0 }
                ?? (configuration.copyright.isEmpty ? nil : configuration.copyright)
            return IIIFInfo.json(
                version: version, image: image.description, id: id, settings: settings(rights: rights))
        }
        let wantsLD = request.accept?.contains("application/ld+json") ?? false
        let mediaType: String =
            switch version {
            case .v3: version.infoMediaType
            case .v2: wantsLD ? "application/ld+json" : "application/json"
            }
        var response = responses.content(
            .init(string: json), mediaType: mediaType, lastModified: image.status.modifiedSeconds,
            cacheControl: negotiated ? "private" : nil)
        response.headers.append(("Link", "<\(version.profileURI)>;rel=\"profile\""))
        return .respond(response)
    }

    // MARK: - Images

    private func image(
        identifier: String, _ imageRequest: IIIFImageRequest, rawArgument: String, request: ServerRequest,
        version: IIIFVersion, negotiated: Bool
    ) async -> Plan {
        let image: OpenImage
        switch await open(identifier, request: request) {
        case .image(let opened): image = opened
        case .answer(let response): return .respond(response)
        }
        let description = image.description
        let plan: IIIFImagePlan
        do {
            plan = try IIIFImagePlanner.plan(
                imageRequest, imageWidth: description.width, imageHeight: description.height, version: version,
                limits: settings(rights: nil).limits)
        } catch {
            return .respond(responses.error(error))
        }
        guard let format = Self.encoded(plan.format), formats.contains(format) else {
            return .respond(responses.textError(status: 400, "IIIF: unsupported output format"))
        }
        // One Link field with both relations: clients that read a single header value still see both.
        var links = ["<\(version.profileURI)>;rel=\"profile\""]
        if let id = identifierURL(request, trimming: 4).id(argument: Self.identifierPart(rawArgument)) {
            links.insert(plan.canonicalLink(id: id, version: version), at: 0)
        }
        var headers: [(name: String, value: String)] = [("Link", links.joined(separator: ", "))]
        if negotiated { headers.append(("Cache-Control", "private")) }
        var processing = ImageProcessing()
        processing.rotation = plan.rotation
        switch plan.quality {
        case .gray: processing.colorConversion = .grey
        case .bitonal: processing.colorConversion = .binary
        case .negative: processing.invert = true
        case .stretch: processing.contrast = .stretch
        case .equalization: processing.contrast = .equalization
        case .log: processing.gamma = .logarithm
        case .default, .color: break
        }
        let quality = OutputQuality(configuration: configuration).value(for: format, requested: nil)

        if processing.isIdentity, let match = IIIFTileMatch.match(plan, in: description) {
            var job = TileJob(
                image: image, resolution: match.resolution, tile: match.tile, format: format, quality: quality,
                qualityIsDefault: true, processing: processing, angles: (0, 90))
            job.extraHeaders = headers
            return .tile(job)
        }
        let export = RegionExportPlanner.plan(
            image: description, fullRect: plan.region, outputWidth: plan.width, outputHeight: plan.height)
        var job = RegionJob(
            image: image, plan: export, format: format, quality: quality, compression: nil, processing: processing,
            interpolation: configuration.interpolation == 0 ? .nearest : .bilinear, angles: (0, 90))
        job.extraHeaders = headers
        job.disposition = false
        return .region(job)
    }

    // MARK: - Helpers

    /// Opens the image an identifier names (without the page part when IIIF_DELIMITER is set).
    private func open(_ identifier: String, request: ServerRequest) async -> OpenStage.Outcome {
        var path = identifier
        if !configuration.iiifDelimiter.isEmpty {
            path =
                IIIFRequestParser.splitPage(identifier: identifier, delimiter: configuration.iiifDelimiter).identifier
        }
        return await opener.run(path: path, request: request)
    }

    /// The inputs of the image's id, from a request URI with `trimming` trailing path segments removed (1 for
    /// `/info.json`, 4 for region/size/rotation/quality).
    private func identifierURL(_ request: ServerRequest, trimming: Int) -> IIIFIdentifierURL {
        var uri = request.query.isEmpty ? request.path : request.path + "?" + request.query
        for _ in 0..<trimming {
            if let slash = uri.lastIndex(of: "/") { uri = String(uri[..<slash]) }
        }
        return IIIFIdentifierURL(
            baseURL: configuration.baseURL.isEmpty ? nil : configuration.baseURL, requestURI: uri, host: request.host,
            forwardedHost: request.forwardedHost, https: request.isHTTPS ? "on" : nil,
            forwardedProto: request.forwardedProto, iiifID: request.iiifID)
    }

    /// The raw identifier part of an image request: everything before the last four segments.
    static func identifierPart(_ raw: String) -> String {
        var part = Substring(raw)
        for _ in 0..<4 {
            guard let slash = part.lastIndex(of: "/") else { break }
            part = part[..<slash]
        }
        return String(part)
    }

    /// The encoder format of an IIIF format (`nil` for formats this build has no encoder for).
    static func encoded(_ format: IIIFFormat) -> EncodedFormat? {
        switch format {
        case .jpg: .jpeg
        case .png: .png
        case .webp: .webp
        case .tif: .tiff
        case .gif: .gif
        case .jp2: .jp2
        case .pdf: .pdf
        case .avif: nil
        }
    }
}
