public import IIPModel

/// Plans IIIF Image API 2.1 and 3.0 requests (iipsrv-reference §4): the 303 from the base URI, info.json, and image
/// requests, answered from the tile path when they are exactly one tile of one level and exported otherwise. Pure.
public final class IIIFPlanner: Sendable {
    let settings: ProtocolSettings

    /// Creates a planner.
    public init(settings: ProtocolSettings) {
        self.settings = settings
    }

    /// Plans a parsed request.
    ///
    /// - Parameters:
    ///   - rawArgument: The still percent-encoded part after the prefix, which ids are built from.
    ///   - version: The version answered; `negotiated` when Accept chose one other than IIIF_VERSION.
    ///   - image: The image, opened; `nil` only for the base-URI redirect.
    ///   - request: Where the request came from (host, forwarded headers, X-IIIF-ID) for the image's id.
    public func plan(
        _ parsed: IIIFRequest, rawArgument: String, version: IIIFVersion, negotiated: Bool,
        image: ImageDescription?, request: ServerRequest
    ) throws(ProtocolError) -> ImagePlan {
        switch parsed {
        case .baseRedirect:
            guard let location = identifierURL(request, trimming: 0).infoLocation(argument: rawArgument) else {
                throw .badRequest("IIIF: cannot build the image's URL")
            }
            return .redirect(location: location)
        case .info:
            guard let image else { throw .notFound("IIIF: no image") }
            return try info(
                image: image, rawArgument: rawArgument, request: request, version: version, negotiated: negotiated)
        case .image(let identifier, let imageRequest):
            guard let image else { throw .notFound("IIIF: no image") }
            // IIIF_DELIMITER: a page index after the identifier picks a stack layer or sequence view (§4.2).
            let page = IIIFRequestParser.splitPage(identifier: identifier, delimiter: settings.iiifDelimiter).page
            return try self.image(
                imageRequest, image: image, rawArgument: rawArgument, request: request, version: version,
                negotiated: negotiated, angles: page.map { SequenceAngles(horizontal: $0) } ?? SequenceAngles())
        }
    }

    private func info(
        image: ImageDescription, rawArgument: String, request: ServerRequest, version: IIIFVersion,
        negotiated: Bool
    ) throws(ProtocolError) -> ImagePlan {
        guard let id = identifierURL(request, trimming: 1).id(argument: rawArgument) else {
            throw .badRequest("IIIF: cannot build the image's id")
        }
        let wantsLD = request.accept?.contains("application/ld+json") ?? false
        let mediaType: String =
            switch version {
            case .v3: version.infoMediaType
            case .v2: wantsLD ? "application/ld+json" : "application/json"
            }
        // Written only the first time for this image, version and id: the pipeline keeps the text.
        let body = Document.Body.memoized(key: version == .v3 ? "3 " + id : "2 " + id) { [self] in
            var info = settings.iiifInfo
            let copyright = settings.copyright.isEmpty ? nil : settings.copyright
            info.rights = image.metadata.rights.flatMap { $0.isEmpty ? nil : $0 } ?? copyright
            return IIIFInfo.json(version: version, image: image, id: id, settings: info)
        }
        let delivery = Delivery(link: version.profileLink, privateCache: negotiated, varyAccept: true)
        return .document(Document(body, mediaType: mediaType, delivery: delivery))
    }

    private func image(
        _ imageRequest: IIIFImageRequest, image: ImageDescription, rawArgument: String, request: ServerRequest,
        version: IIIFVersion, negotiated: Bool, angles: SequenceAngles
    ) throws(ProtocolError) -> ImagePlan {
        let plan = try IIIFImagePlanner.plan(
            imageRequest, imageWidth: image.width, imageHeight: image.height, version: version,
            limits: settings.iiifInfo.limits)
        guard settings.formats.contains(plan.format) else { throw .badRequest("IIIF: unsupported output format") }
        // One Link field with both relations: clients that read a single header value still see both.
        var links = [version.profileLink]
        if let id = identifierURL(request, trimming: 4).id(argument: Self.identifierPart(rawArgument)) {
            links.insert(plan.canonicalLink(id: id, version: version), at: 0)
        }
        let delivery = Delivery(link: links.joined(separator: ", "), privateCache: negotiated, varyAccept: true)
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
        let rendering = Rendering(
            format: plan.format, quality: settings.qualities.value(for: plan.format, requested: nil),
            processing: processing, angles: angles)
        if processing.isIdentity, let match = IIIFTileMatch.match(plan, in: image) {
            return .tile(
                TilePlan(resolution: match.resolution, tile: match.tile, rendering: rendering, delivery: delivery))
        }
        let export = RegionExportPlanner.plan(
            image: image, fullRect: plan.region, outputWidth: plan.width, outputHeight: plan.height)
        return .region(
            RegionPlan(export: export, rendering: rendering, resampling: settings.resampling, delivery: delivery))
    }

    /// The inputs of the image's id, from a request URI with `trimming` trailing path segments removed (1 for
    /// `/info.json`, 4 for region/size/rotation/quality).
    private func identifierURL(_ request: ServerRequest, trimming: Int) -> IIIFIdentifierURL {
        let full = request.query.isEmpty ? request.path : request.path + "?" + request.query
        var end = full.utf8.endIndex
        for _ in 0..<trimming {
            if let slash = full.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) { end = slash }
        }
        let uri = end == full.utf8.endIndex ? full : String(Substring(full.utf8[..<end]))
        return IIIFIdentifierURL(
            baseURL: settings.baseURL.isEmpty ? nil : settings.baseURL, requestURI: uri, host: request.host,
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
}
