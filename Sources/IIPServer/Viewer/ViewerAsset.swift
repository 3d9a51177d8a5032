/// One file of the viewer page, compiled into the executable (SwiftPM `embedInCode` resources), so the page
/// needs nothing from the network or the filesystem.
struct ViewerAsset: Sendable {
    /// The Content-Type it is sent with.
    let contentType: String
    /// Its bytes.
    let bytes: [UInt8]

    /// The assets by file name, as `/viewer/<name>` serves them; `index.html` is the page itself.
    static let all: [String: ViewerAsset] = [
        "index.html": ViewerAsset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html),
        "style.css": ViewerAsset(contentType: "text/css; charset=utf-8", bytes: PackageResources.style_css),
        "main.js": script(PackageResources.main_js),
        "list.js": script(PackageResources.list_js),
        "viewer.js": script(PackageResources.viewer_js),
        "tiles.js": script(PackageResources.tiles_js),
        "controls.js": script(PackageResources.controls_js),
        "navigator.js": script(PackageResources.navigator_js),
        "metadata.js": script(PackageResources.metadata_js),
        "export.js": script(PackageResources.export_js),
    ]

    private static func script(_ bytes: [UInt8]) -> ViewerAsset {
        ViewerAsset(contentType: "text/javascript; charset=utf-8", bytes: bytes)
    }
}
