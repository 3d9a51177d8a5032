import IIPImaging
import IIPModel
import IIPProtocol
import IIPTestSupport
import NIOCore
import Testing

@testable import IIPPipeline

/// The stages one at a time, and the chain as an operator on a stream of requests.
@Suite struct StageTests {
    static let image = FixtureSpec("pipe-stages.tif", width: 600, height: 400).with { $0.tileSize = 128 }

    static func configuration() -> ServerConfiguration {
        var configuration = ServerConfiguration(cores: 2)
        configuration.filesystemPrefix = Fixtures.directory + "/"
        return configuration
    }

    /// Runs `body` with a pipeline over the fixtures, then stops its threads.
    func withPipeline<T>(_ body: (Pipeline) async throws -> T) async throws -> T {
        _ = try Fixtures.make(Self.image)
        let pipeline = Pipeline(configuration: Self.configuration(), logger: .init(label: "test"))
        do {
            let result = try await body(pipeline)
            await pipeline.shutdown()
            return result
        } catch {
            await pipeline.shutdown()
            throw error
        }
    }

    /// The interruption a stage threw, or `nil` when it did not throw.
    func interruption<T>(_ body: () async throws(Interruption) -> T) async -> Interruption? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }

    @Test func parseEndsRequestsThatNeedNoImage() async throws {
        let parse = ParseStage(settings: ProtocolSettings())
        guard
            case .landingPage = await interruption({ () async throws(Interruption) in try parse.run(ServerRequest()) })
        else {
            Issue.record("no landing page")
            return
        }
        guard
            case .rejected(let error) = await interruption({ () async throws(Interruption) in
                try parse.run(ServerRequest(path: "/iiif/a/x"))
            })
        else {
            Issue.record("no rejection")
            return
        }
        #expect(error.status == 400)
        let parsed = try parse.run(ServerRequest(query: "FIF=a.tif&OBJ=IIP,1.0"))
        #expect(parsed.imagePaths == ["a.tif"])
    }

    @Test func openMapsMissingFilesAndCurrentCopies() async throws {
        try await withPipeline { pipeline in
            let open = OpenStage(registry: pipeline.registry, logger: .init(label: "test"))
            let parse = ParseStage(settings: ProtocolSettings())
            let missing = try parse.run(ServerRequest(query: "FIF=no-such.tif&OBJ=Max-size"))
            guard
                case .rejected(let error) = await interruption({ () async throws(Interruption) in
                    try await open.run(missing)
                })
            else {
                Issue.record("a missing file was opened")
                return
            }
            #expect(error.status == 404)
            let opened = try await open.run(try parse.run(ServerRequest(query: "FIF=pipe-stages.tif&OBJ=Max-size")))
            #expect(opened.images.map(\.path) == ["pipe-stages.tif"])
            #expect(opened.image("pipe-stages.tif")?.description.width == 600)
            let since = HTTPDate.format(try #require(opened.image("pipe-stages.tif")).status.modifiedSeconds + 60)
            let current = try parse.run(ServerRequest(query: "FIF=pipe-stages.tif&JTL=0,0", ifModifiedSince: since))
            guard
                case .notModified = await interruption({ () async throws(Interruption) in try await open.run(current) })
            else {
                Issue.record("no 304")
                return
            }
        }
    }

    @Test func respondIsTheOnlyStageThatBuildsHTTP() {
        let respond = RespondStage(
            responses: ResponseFactory(configuration: Self.configuration()), logger: .init(label: "test"))
        let cases: [(Interruption, Int)] = [
            (.landingPage, 200), (.preflight, 204), (.methodNotAllowed, 405),
            (.notModified(lastModified: 0, etag: nil), 304),
            (.rejected(.notFound("x")), 404), (.rejected(ProtocolError(iip: [IIPError(.malformedRequest, "x")])), 400),
            (.imaging(.tooLarge("x")), 400), (.imaging(.unreadable(path: "x", reason: "y")), 404), (.busy, 503),
            (.exportsBusy, 503),
            (.cancelled, 499), (.failed("x"), 500),
        ]
        for (interruption, status) in cases {
            #expect(respond.run(.failure(interruption)).status.code == status, "\(interruption)")
        }
        let product = Product(
            content: .body(ByteBuffer(string: "x"), mediaType: "image/png"), lastModified: 0,
            delivery: Delivery(link: "<l>", privateCache: true, fileName: "a_1x1.png"))
        let response = respond.run(.success(product))
        #expect(response.status == .ok && response.header("content-type") == "image/png")
        #expect(response.header("Cache-Control") == "private" && response.header("Link") == "<l>")
        #expect(response.header("Content-Disposition") == "inline; filename=\"a_1x1.png\"")
        #expect(response.header("Last-Modified") == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func renderServesTilesRangesRegionsAndDocumentsThroughOnePath() async throws {
        try await withPipeline { pipeline in
            let open = OpenStage(registry: pipeline.registry, logger: .init(label: "test"))
            let parsed = try ParseStage(settings: ProtocolSettings()).run(
                ServerRequest(query: "FIF=pipe-stages.tif&OBJ=Max-size"))
            let image = try #require(try await open.run(parsed).images.first?.image)
            let render = RenderStage(
                cacheLookup: CacheLookupStage(cache: pipeline.tileCache), encode: EncodeStage(),
                executor: pipeline.executor, decodedTiles: pipeline.decodedTiles,
                exports: AsyncLimiter(permits: 1) {}, passThrough: false, maxExportPixels: 1_000_000)
            let rendering = Rendering(format: .png, quality: 1)
            let tile = try await render.run(
                Job(plan: .tile(TilePlan(resolution: 0, tile: 0, rendering: rendering)), image: image))
            guard case .body(let bytes, "image/png") = tile.content else {
                Issue.record("no PNG")
                return
            }
            #expect(bytes.readableBytes > 8 && tile.lastModified == image.status.modifiedSeconds)
            // The same tile again comes from the cache: the very same bytes.
            let again = try await render.run(
                Job(plan: .tile(TilePlan(resolution: 0, tile: 0, rendering: rendering)), image: image))
            guard case .body(let cached, _) = again.content else {
                Issue.record("no body")
                return
            }
            #expect(cached == bytes)
            let range = try await render.run(
                Job(plan: .tiles(TileRangePlan(resolution: 0, tiles: [0], rendering: rendering)), image: image))
            guard case .body(var framed, "application/vnd.netfpx") = range.content else {
                Issue.record("no TIL")
                return
            }
            #expect(framed.readString(length: 9) == "Tile,0,0,")
            let export = RegionExportPlanner.plan(
                image: image.description, fullRect: PixelRect(x: 0, y: 0, width: 600, height: 400), outputWidth: 60,
                outputHeight: 40)
            let region = try await render.run(
                Job(plan: .region(RegionPlan(export: export, rendering: rendering)), image: image))
            guard case .body(let png, _) = region.content else {
                Issue.record("no region")
                return
            }
            // The PNG's IHDR holds the width and height, big-endian, at bytes 16 and 20.
            let header = Array(buffer: png)
            let size = [16, 20].map { at in header[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
            #expect(size == [60, 40])
            // Documents are text; memoized ones are written once per open image.
            let made = CallCounter()
            let memoized = Document(
                .memoized(key: "k") {
                    made.increment()
                    return "{}"
                }, mediaType: "application/json")
            for _ in 0..<3 {
                let document = try await render.run(Job(plan: .document(memoized), image: image))
                guard case .body(let text, "application/json") = document.content else {
                    Issue.record("no JSON")
                    return
                }
                #expect(String(buffer: text) == "{}")
            }
            #expect(made.count == 1)
            // Too many output pixels are refused before any decoding.
            let huge = RegionExportPlanner.plan(
                image: image.description, fullRect: PixelRect(x: 0, y: 0, width: 600, height: 400), outputWidth: 6000,
                outputHeight: 4000)
            guard
                case .imaging(.tooLarge) = await interruption({ () async throws(Interruption) in
                    try await render.run(
                        Job(plan: .region(RegionPlan(export: huge, rendering: rendering)), image: image))
                })
            else {
                Issue.record("a 24-megapixel export passed a 1-megapixel limit")
                return
            }
        }
    }

    @Test func requestStreamThroughThePipeline() async throws {
        try await withPipeline { pipeline in
            let requests = [
                ServerRequest(query: "FIF=pipe-stages.tif&OBJ=Max-size"),
                ServerRequest(query: "FIF=pipe-stages.tif&JTL=0,0"),
                ServerRequest(query: "FIF=missing.tif&JTL=0,0"), ServerRequest(path: "/deepzoom/pipe-stages.tif.dzi"),
            ]
            let stream = AsyncStream { continuation in
                for request in requests { continuation.yield(request) }
                continuation.finish()
            }
            var statuses: [Int] = []
            var types: [String?] = []
            for await response in stream.responses(from: pipeline) {
                statuses.append(response.status.code)
                types.append(response.header("Content-Type"))
            }
            #expect(statuses == [200, 200, 404, 200])
            #expect(types == ["application/vnd.netfpx", "image/jpeg", "text/plain; charset=utf-8", "application/xml"])
            #expect(pipeline.admission.occupancy == (0, 0))
        }
    }

    // The stages a request goes through record themselves on the request's timeline, and only there.
    @Test func thePipelinesStagesRecordOnTheRequestsTimeline() async throws {
        try await withPipeline { pipeline in
            let timeline = RequestTimeline()
            // Inverted: rendered, not sent as stored.
            let request = ServerRequest(query: "FIF=\(Self.image.name)&INV&JTL=1,0")
            let response = await RequestTimeline.$current.withValue(timeline) { await pipeline.respond(to: request) }
            #expect(response.status.code == 200)
            let first = timeline.summary
            for stage in RequestStage.allCases { #expect(first[stage].count == 1, "\(stage)") }
            #expect(first.cache == .rendered)
            #expect(first.requestProtocol == .iip)

            let again = RequestTimeline()
            _ = await RequestTimeline.$current.withValue(again) { await pipeline.respond(to: request) }
            #expect(again.summary.cache == .hit)
            #expect(again.summary[.decode].count == 0 && again.summary[.cache].count == 1)

            let unobserved = await pipeline.respond(to: request)
            #expect(unobserved.status.code == 200)
            #expect(timeline.summary[.cache].count == 1 && again.summary[.cache].count == 1)
        }
    }
}
