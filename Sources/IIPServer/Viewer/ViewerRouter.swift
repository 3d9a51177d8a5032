import HTTPTypes
import IIPPipeline
import IIPProtocol
import NIOCore

/// The viewer's paths: the page at `/` (empty query only: IIP requests work at any path with a query) and at
/// `/viewer/`, its scripts and style sheet at `/viewer/<file>`, and the image list at `/viewer/images.json`.
///
/// The page addresses everything relative to `/viewer/` (the `/` copy carries `<base href="viewer/">`), so it
/// works under a web server that forwards only `/viewer/`, `/iiif/` and `/fcgi-bin/iipsrv.fcgi`, at any prefix.
/// Directory reads for the list run on the codec executor, at most once per ``ImageListing/freshness``.
struct ViewerRouter: Sendable {
    /// The images under FILESYSTEM_PREFIX.
    let listing: ImageListing
    /// The page as served at `/`.
    let rootPage: [UInt8]

    /// Creates the router for the configuration's prefix and limits.
    init(configuration: ServerConfiguration, executor: CodecExecutor) {
        let catalog = ImageCatalog(
            prefix: configuration.filesystemPrefix, suffix: configuration.filesystemSuffix,
            limits: ImageCatalogLimits(
                maxEntries: configuration.viewerMaxEntries, maxDepth: configuration.viewerMaxDepth))
        listing = ImageListing(catalog: catalog, executor: executor)
        let page = String(decoding: ViewerAsset.all["index.html"]?.bytes ?? [], as: UTF8.self)
        rootPage = Array(page.replacing("<base href=\"./\">", with: "<base href=\"viewer/\">").utf8)
    }

    /// The answer for a viewer path, or `nil` for any other request.
    func respond(to request: ServerRequest) async -> ServerResponse? {
        guard request.method == .get || request.method == .head else { return nil }
        switch request.path {
        case "/" where request.query.isEmpty:
            return Self.ok("text/html; charset=utf-8", rootPage)
        case "/viewer":
            return ServerResponse(
                status: ServerResponse.status(301), headerFields: [.location: "viewer/", .cacheControl: "no-cache"])
        case "/viewer/images.json":
            guard let number = ImageListPage.pageNumber(query: request.query) else {
                return ServerResponse(
                    status: .badRequest, headerFields: [.contentType: "text/plain", .cacheControl: "no-cache"],
                    body: ByteBuffer(string: "page: expected a whole number\n"))
            }
            let scan = await listing.scan()
            let page = ImageListPage(scan: scan, page: number)
            return Self.ok("application/json", Array(page.json.utf8))
        case "/viewer/":
            return ViewerAsset.all["index.html"].map { Self.ok($0.contentType, $0.bytes) }
        default:
            guard request.path.hasPrefix("/viewer/"), let asset = ViewerAsset.all[String(request.path.dropFirst(8))]
            else { return nil }
            return Self.ok(asset.contentType, asset.bytes)
        }
    }

    /// A 200 answer; the Content-Security-Policy keeps every request of the page on this server.
    private static func ok(_ contentType: String, _ bytes: [UInt8]) -> ServerResponse {
        ServerResponse(
            status: .ok,
            headerFields: [
                .contentType: contentType, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff",
                .contentSecurityPolicy:
                    "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'self'",
            ],
            body: ByteBuffer(bytes: bytes))
    }
}

extension HTTPField.Name {
    fileprivate static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
