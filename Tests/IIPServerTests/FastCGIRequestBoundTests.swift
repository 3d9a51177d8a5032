import Foundation
import IIPPipeline
import IIPTestSupport
import Synchronization
import Testing

/// MAX_FCGI_REQUESTS_IN_FLIGHT behind nginx (issue 16): FastCGI requests past the bound wait without a task, and a
/// region export gives its place back while it waits for and holds an export slot, so a flood of exports does not
/// keep tiles waiting behind it at the FastCGI bound either. It runs with the heavy suites (`.ci/test`): two slow
/// exports in a debug build.
@Suite("FastCGI request bound", .serialized)
struct FastCGIRequestBoundTests {
    init() throws { try StandardFixtures.prepare() }

    /// A slow export: the 1500 x 1100 fixture up-scaled to 3000 pixels wide as PNG, much longer than the few
    /// milliseconds the second export needs to reach its export slot.
    static let export = "/fcgi-bin/iipsrv.fcgi?FIF=rgb-deflate-512.tif&WID=3000&CVT=png"
    static let tile = "/fcgi-bin/iipsrv.fcgi?FIF=rgb-deflate-512.tif&JTL=1,0"

    // One FastCGI request at a time, one export at a time: two exports are sent, and both step aside at once (one
    // renders, one waits for the export slot). That proves the first gave its FastCGI place back when it stepped
    // aside: otherwise the second would wait unread into a task until the first had been answered, and the two
    // would never be detached together. A tile asked for meanwhile is answered too.
    @Test func exportsGiveTheirPlaceBack() async throws {
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
            // Polled (the server offers no signal): until both are detached, or one has been answered.
            var polls = 0
            while server.pipeline.admission.detached < 2, exportsAnswered.value == 0, polls < 6000 {
                try await Task.sleep(for: .milliseconds(10))
                polls += 1
            }
            #expect(server.pipeline.admission.detached == 2, "the second export never stepped aside beside the first")
            let tile = try await nginx.get(Self.tile)
            #expect(tile.status == 200)
            print("FastCGI bound: tile answered after \(exportsAnswered.value) of 2 exports")
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
