import Foundation
import IIPPipeline
import IIPTestSupport
import Testing

/// The viewer's image list (`/viewer/images.json`) and the page's paths: which files are listed, in what order and
/// pages, within which bounds, never anything outside FILESYSTEM_PREFIX, and VIEWER=0 turning it all off.
@Suite struct ViewerImageListTests {
    /// A folder to serve, a sibling folder outside it, and a real TIFF to copy.
    struct Tree {
        let root: String
        let prefix: String
        let outside: String
        let image: String

        init() throws {
            root = try TestEnvironment.temporaryFolder("viewer-list")
            prefix = root + "/images"
            outside = root + "/outside"
            image = Fixtures.path(try Fixtures.make(StandardFixtures.greyLZW))
            for folder in [prefix, outside, outside + "/folder"] {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        }

        /// Copies the TIFF to `path` (relative to the prefix), creating its folders.
        func add(_ path: String) throws {
            let target = prefix + "/" + path
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: image, toPath: target)
        }

        func write(_ path: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: prefix + "/" + path))
        }

        func link(_ path: String, to destination: String) throws {
            try FileManager.default.createSymbolicLink(atPath: prefix + "/" + path, withDestinationPath: destination)
        }

        func configuration(_ update: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
            TestServer.configuration {
                $0.filesystemPrefix = prefix + "/"
                update(&$0)
            }
        }
    }

    /// The decoded page.
    struct Page: Decodable {
        var images: [String]
        var page: Int
        var pages: Int
        var total: Int
        var truncated: Bool
        var problem: String?
    }

    static func page(_ server: TestServer, _ number: Int = 1) async throws -> Page {
        let response = try await server.get("/viewer/images.json?page=\(number)")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        return try JSONDecoder().decode(Page.self, from: Data(response.body))
    }

    @Test func listsReadableImagesSortedAndNothingElse() async throws {
        let tree = try Tree()
        for path in ["b.tif", "a/z.tif", "a/b/c.TIFF", "Capital.tif", "deep/1/2/3/too-deep.tif", ".hidden.tif"] {
            try tree.add(path)
        }
        try tree.write("notes.txt", "not an image")
        try tree.write("fake.tif", "not a TIFF, whatever the name says")
        try FileManager.default.copyItem(atPath: tree.image, toPath: tree.outside + "/secret.tif")
        try FileManager.default.copyItem(atPath: tree.image, toPath: tree.outside + "/folder/secret2.tif")
        // Links out of the prefix, to a file and to a folder, and one `..` link: none is followed.
        try tree.link("escape.tif", to: tree.outside + "/secret.tif")
        try tree.link("escape-folder", to: tree.outside + "/folder")
        try tree.link("up", to: "..")
        try tree.link("relative-escape.tif", to: "../outside/secret.tif")
        // A link that stays inside is followed.
        try tree.link("inside.tif", to: "b.tif")
        try await TestServer.with(tree.configuration { $0.viewerMaxDepth = 3 }) { server in
            let page = try await Self.page(server)
            #expect(page.images == ["Capital.tif", "a/b/c.TIFF", "a/z.tif", "b.tif", "inside.tif"])
            #expect(page.total == 5 && page.pages == 1 && page.page == 1 && !page.truncated && page.problem == nil)
            // Every identifier listed opens.
            for image in page.images {
                let info = try await server.get("/iiif/\(image.replacingOccurrences(of: "/", with: "%2F"))/info.json")
                #expect(info.status == 200, "\(image)")
            }
        }
        try await TestServer.with(tree.configuration { $0.viewerMaxDepth = 4 }) { server in
            let images = try await Self.page(server).images
            #expect(images.contains("deep/1/2/3/too-deep.tif"))
        }
        try await TestServer.with(tree.configuration { $0.viewerMaxDepth = 0 }) { server in
            let images = try await Self.page(server).images
            #expect(images == ["Capital.tif", "b.tif", "inside.tif"])
        }
    }

    @Test func pagesOfAHundred() async throws {
        let tree = try Tree()
        try tree.add("image-000.tif")
        for index in 1..<250 {
            try FileManager.default.linkItem(
                atPath: tree.prefix + "/image-000.tif",
                toPath: tree.prefix + "/image-" + String(format: "%03d", index) + ".tif")
        }
        try await TestServer.with(tree.configuration()) { server in
            let first = try await Self.page(server)
            #expect(first.total == 250 && first.pages == 3 && first.page == 1)
            #expect(first.images.count == 100 && first.images.first == "image-000.tif")
            let third = try await Self.page(server, 3)
            #expect(third.images == (200..<250).map { "image-" + String(format: "%03d", $0) + ".tif" })
            // Pages past the end are the last one; below 1, the first.
            let past = try await Self.page(server, 9)
            let before = try await Self.page(server, -2)
            #expect(past.page == 3 && before.images == first.images)
            // A page that is not a number is a bad request, and the server goes on.
            for bad in ["abc", "", "1.5", "99999999999999999999999"] {
                let answer = try await server.get("/viewer/images.json?page=\(bad)")
                #expect(answer.status == 400 && answer.text == "page: expected a whole number\n", "\(bad)")
            }
            #expect(try await Self.page(server).total == 250)
        }
    }

    @Test func stopsAfterMaxEntries() async throws {
        let tree = try Tree()
        for index in 0..<30 { try tree.add("f\(index / 10)/image-\(index).tif") }
        try await TestServer.with(tree.configuration { $0.viewerMaxEntries = 12 }) { server in
            let page = try await Self.page(server)
            #expect(page.truncated)
            // 3 folders and 9 files examined at most.
            #expect(page.total > 0 && page.total <= 9, "\(page.images)")
        }
        try await TestServer.with(tree.configuration { $0.viewerMaxEntries = 33 }) { server in
            let page = try await Self.page(server)
            #expect(!page.truncated && page.total == 30)
        }
    }

    /// Requests within ``ImageListing/freshness`` share one folder walk: a file added meanwhile is not listed yet.
    @Test func listRequestsShareOneWalk() async throws {
        let tree = try Tree()
        try tree.add("a.tif")
        try await TestServer.with(tree.configuration()) { server in
            let before = try await Self.page(server)
            try tree.add("b.tif")
            let after = try await Self.page(server)
            #expect(before.images == ["a.tif"] && after.images == ["a.tif"])
        }
    }

    @Test func noPrefixListsNothingAndSaysWhy() async throws {
        try await TestServer.with(TestServer.configuration { $0.filesystemPrefix = "" }) { server in
            let page = try await Self.page(server)
            #expect(page.images.isEmpty && page.total == 0)
            #expect(page.problem?.contains("FILESYSTEM_PREFIX is not set") == true)
        }
    }

    @Test func thePageAndItsFiles() async throws {
        let tree = try Tree()
        try tree.add("b.tif")
        try await TestServer.with(tree.configuration()) { server in
            let root = try await server.get("/")
            #expect(root.status == 200 && root.header("Content-Type") == "text/html; charset=utf-8")
            #expect(root.text.contains("<base href=\"viewer/\">"))
            let viewer = try await server.get("/viewer/")
            #expect(viewer.status == 200 && viewer.text.contains("<base href=\"./\">"))
            #expect(viewer.header("Content-Security-Policy")?.hasPrefix("default-src 'self'") == true)
            for (file, type) in [
                ("viewer.js", "text/javascript"), ("style.css", "text/css"), ("list.js", "text/javascript"),
            ] {
                let asset = try await server.get("/viewer/" + file)
                #expect(asset.status == 200 && asset.header("Content-Type")?.hasPrefix(type) == true, "\(file)")
            }
            let redirect = try await server.get("/viewer")
            #expect(redirect.status == 301 && redirect.header("Location") == "viewer/")
            // Nothing but the page's own files: no path reaches the filesystem.
            for target in ["/viewer/nothing.js", "/viewer/../b.tif", "/viewer/%2e%2e/b.tif", "/viewer/b.tif"] {
                let response = try await server.get(target)
                #expect(response.text.contains("IIPImage Server"), "\(target)")
                #expect(!response.body.starts(with: [0x49, 0x49, 0x2A, 0x00]), "\(target)")
            }
            // IIP at `/` with a query is the pipeline's, as before.
            let obj = try await server.get("/?FIF=b.tif&OBJ=Max-size")
            #expect(obj.status == 200 && obj.text.contains("Max-size:777 555"))
        }
    }

    /// VIEWER=0: the paths answer as they did before the viewer, as iipsrv answers them (its advert page for a
    /// request without a query, an IIP error for a query that is not IIP).
    @Test func offAnswersAsBefore() async throws {
        let tree = try Tree()
        try tree.add("b.tif")
        try await TestServer.with(tree.configuration { $0.viewer = false }) { server in
            for target in ["/", "/viewer/", "/viewer/viewer.js", "/viewer/style.css"] {
                let response = try await server.get(target)
                #expect(response.status == 200 && response.text.contains("IIPImage Server"), "\(target)")
                #expect(!response.text.contains("viewer"), "\(target)")
            }
            let list = try await server.get("/viewer/images.json?page=1")
            #expect(list.status == 400 && list.header("Content-Type") == "application/vnd.netfpx")
        }
    }
}
