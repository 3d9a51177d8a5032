import Foundation
import IIPPipeline
import IIPTestSupport
import Synchronization
import Testing

/// MAX_FCGI_REQUESTS_IN_FLIGHT behind nginx (issue 16): FastCGI requests past the bound wait unread into tasks, and a
/// region export gives its place back while it waits for and holds an export slot, so a flood of exports does not
/// keep tiles waiting behind it at the FastCGI bound either.
@Suite("FastCGI request bound", .serialized)
struct FastCGIRequestBoundTests {
    init() throws { try StandardFixtures.prepare() }

    /// A slow export: the 1500 x 1100 fixture up-scaled to 4000 pixels wide as PNG, a second or more of codec work.
    static let export = "/fcgi-bin/iipsrv.fcgi?FIF=rgb-deflate-512.tif&WID=4000&CVT=png"
    static let tile = "/fcgi-bin/iipsrv.fcgi?FIF=rgb-deflate-512.tif&JTL=1,0"

    // One FastCGI request at a time, one export at a time: two exports step aside (one running, one waiting for
    // the export slot) and a tile asked for meanwhile is answered before either export. Were the place not given
    // back, the second export would wait at the FastCGI bound behind the first, and the tile behind both.
    @Test func exportsGiveTheirPlaceToTiles() async throws {
        let configuration = TestServer.configuration {
            $0.maxFastCGIRequestsInFlight = 1
            $0.maxExportsInFlight = 1
        }
        try await TestServer.withNginx(configuration) { server, nginx in
            #expect(try await nginx.get(Self.tile).status == 200)
            let exportsAnswered = AnsweredCount()
            let exports = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            let status = try await nginx.get(Self.export).status
                            exportsAnswered.increment()
                            return status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            // Both exports have stepped aside: one renders, one waits for the export slot.
            var polls = 0
            while server.pipeline.admission.detached < 2, exportsAnswered.value == 0, polls < 3000 {
                try await Task.sleep(for: .milliseconds(10))
                polls += 1
            }
            #expect(server.pipeline.admission.detached == 2, "the exports never both stepped aside")
            let tile = try await nginx.get(Self.tile)
            let answeredBeforeTile = exportsAnswered.value
            #expect(tile.status == 200)
            #expect(answeredBeforeTile == 0, "the tile waited for \(answeredBeforeTile) export(s)")
            #expect(try await exports.value == [200, 200])
        }
    }
}

/// A counter shared between the export tasks and the test.
private final class AnsweredCount: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .acquiring) }

    func increment() {
        count.add(1, ordering: .acquiringAndReleasing)
    }
}
