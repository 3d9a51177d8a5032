import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import FastCGI

/// The bound on FastCGI requests worked on at once (MAX_FCGI_REQUESTS_IN_FLIGHT): the gate alone, the dispatcher
/// in front of it on a testing channel, and a live server with several connections.
@Suite("Request gate", .timeLimit(.minutes(1)))
struct FastCGIRequestGateTests {
    /// The order in which waiting requests were let through.
    final class Starts: Sendable {
        private let started = NIOLockedValueBox<[(Int, FastCGIRequestPass)]>([])

        func record(_ number: Int) -> @Sendable (FastCGIRequestPass) -> Void {
            { pass in self.started.withLockedValue { $0.append((number, pass)) } }
        }

        var order: [Int] { started.withLockedValue { $0.map(\.0) } }

        func pass(_ number: Int) -> FastCGIRequestPass? {
            started.withLockedValue { started in started.first { $0.0 == number }?.1 }
        }
    }

    @Test("Past the limit requests wait in order of arrival, past the waiting bound they start outside it")
    func limitOrderAndOverflow() throws {
        let gate = FastCGIRequestGate(limit: 2, maxWaiting: 2)
        let starts = Starts()
        guard case .now(let first) = gate.enter(starts.record(1)), case .now(let second) = gate.enter(starts.record(2))
        else {
            Issue.record("the first two requests should start at once")
            return
        }
        guard case .waiting = gate.enter(starts.record(3)), case .waiting = gate.enter(starts.record(4)) else {
            Issue.record("the third and fourth requests should wait")
            return
        }
        guard case .overflow = gate.enter(starts.record(5)) else {
            Issue.record("the fifth request should start outside the bound")
            return
        }
        #expect(gate.occupancy == (2, 2))
        #expect(starts.order.isEmpty)

        // A pass given back goes to the longest waiter; giving it back again changes nothing.
        second.giveBack()
        second.giveBack()
        #expect(starts.order == [3])
        #expect(gate.occupancy == (2, 1))
        first.giveBack()
        #expect(starts.order == [3, 4])
        #expect(gate.occupancy == (2, 0))

        // Once nobody waits, passes free their places.
        try #require(starts.pass(3)).giveBack()
        try #require(starts.pass(4)).giveBack()
        #expect(gate.occupancy == (0, 0))
        guard case .now = gate.enter(starts.record(6)) else {
            Issue.record("a request should start at once on an idle gate")
            return
        }
    }

    @Test("A withdrawn request is skipped; withdrawing one already let through says so")
    func withdrawal() throws {
        let gate = FastCGIRequestGate(limit: 1, maxWaiting: 8)
        let starts = Starts()
        guard case .now(let running) = gate.enter(starts.record(1)),
            case .waiting(let aborted) = gate.enter(starts.record(2)),
            case .waiting(let next) = gate.enter(starts.record(3))
        else {
            Issue.record("one request should start and two wait")
            return
        }
        #expect(gate.withdraw(aborted))
        #expect(!gate.withdraw(aborted))
        running.giveBack()
        #expect(starts.order == [3])
        #expect(!gate.withdraw(next), "already let through: its connection must give the pass back")
        try #require(starts.pass(3)).giveBack()
        #expect(gate.occupancy == (0, 0))
    }

    @Test("On a connection, a request past the limit gets no task until the running one is answered")
    func dispatcherHoldsTheRequest() async throws {
        let gate = FastCGIRequestGate(limit: 1, maxWaiting: 8)
        let firstStarted = Signal()
        let releaseFirst = Signal()
        let secondStarted = Flag()
        try await RunnerHarness.run(gate: gate) { request, writer in
            if request.requestID == 1 {
                firstStarted.fire()
                await releaseFirst.wait()
            } else {
                secondStarted.set()
            }
            try await writer.write(ByteBuffer(string: "id \(request.requestID)"))
        } _: { harness in
            try await harness.send(WebServer.request(1, params: [:]) + WebServer.request(2, params: [:]))
            await firstStarted.wait()
            // Both requests have been read (the testing channel runs the pipeline before `send` returns): one holds
            // the pass, the other waits without a task.
            #expect(gate.occupancy == (1, 1))
            #expect(!secondStarted.isSet)
            releaseFirst.fire()
            let records = try await harness.records(untilEndOf: [1, 2])
            #expect(Wire.stdout(of: 1, in: records) == "id 1")
            #expect(Wire.stdout(of: 2, in: records) == "id 2")
            #expect(secondStarted.isSet)
        }
        #expect(gate.occupancy == (0, 0))
    }

    @Test("ABORT_REQUEST of a waiting request ends it without running its handler, and frees nothing twice")
    func abortWhileWaiting() async throws {
        let gate = FastCGIRequestGate(limit: 1, maxWaiting: 8)
        let firstStarted = Signal()
        let releaseFirst = Signal()
        let ran = NIOLockedValueBox<[UInt16]>([])
        try await RunnerHarness.run(gate: gate) { request, writer in
            ran.withLockedValue { $0.append(request.requestID) }
            if request.requestID == 1 {
                firstStarted.fire()
                await releaseFirst.wait()
            }
            try await writer.write(ByteBuffer(string: "id \(request.requestID)"))
        } _: { harness in
            try await harness.send(WebServer.request(1, params: [:]) + WebServer.request(2, params: [:]))
            await firstStarted.wait()
            try await harness.send([WebServer.record(.abortRequest, 2)])
            let aborted = try await harness.records(untilEndOf: [2])
            #expect(aborted.map(\.type) == [.endRequest])
            #expect(gate.occupancy == (1, 0))
            releaseFirst.fire()
            #expect(Wire.stdout(of: 1, in: try await harness.records(untilEndOf: [1])) == "id 1")
            // The place came back once: the next request runs at once, alone.
            try await harness.send(WebServer.request(3, params: [:]))
            #expect(Wire.stdout(of: 3, in: try await harness.records(untilEndOf: [3])) == "id 3")
        }
        #expect(ran.withLockedValue { $0 } == [1, 3])
        #expect(gate.occupancy == (0, 0))
    }

    @Test("A connection that closes withdraws its waiting requests")
    func closeWithdraws() async throws {
        let gate = FastCGIRequestGate(limit: 1, maxWaiting: 8)
        let firstStarted = Signal()
        let ran = NIOLockedValueBox<[UInt16]>([])
        try await RunnerHarness.run(gate: gate) { request, _ in
            ran.withLockedValue { $0.append(request.requestID) }
            firstStarted.fire()
            await waitUntilCancelled()
        } _: { harness in
            try await harness.send(
                WebServer.request(1, params: [:]) + WebServer.request(2, params: [:])
                    + WebServer.request(3, params: [:]))
            await firstStarted.wait()
            #expect(gate.occupancy == (1, 2))
            try await harness.channel.close()
        }
        // The running handler was cancelled and gave its pass back; the two waiting never ran.
        #expect(ran.withLockedValue { $0 } == [1])
        #expect(gate.occupancy == (0, 0))
    }

    @Test("A handler that gives its pass back early lets the next request run beside it")
    func passGivenBackEarly() async throws {
        let gate = FastCGIRequestGate(limit: 1, maxWaiting: 8)
        let secondDone = Signal()
        try await RunnerHarness.run(gate: gate) { request, writer in
            if request.requestID == 1 {
                // As a region export does while it waits for an export slot.
                FastCGIRequestPass.current?.giveBack()
                await secondDone.wait()  // would never return if request 2 waited for this one
            } else {
                secondDone.fire()
            }
            try await writer.write(ByteBuffer(string: "id \(request.requestID)"))
        } _: { harness in
            try await harness.send(WebServer.request(1, params: [:]) + WebServer.request(2, params: [:]))
            let records = try await harness.records(untilEndOf: [1, 2])
            #expect(Wire.stdout(of: 1, in: records) == "id 1")
            #expect(Wire.stdout(of: 2, in: records) == "id 2")
        }
        #expect(gate.occupancy == (0, 0))
    }

    @Test("A live server with maxRequestsInFlight 1 answers requests on many connections one at a time")
    func liveServerBoundsAcrossConnections() async throws {
        var configuration = FastCGIServerConfiguration.testing
        configuration.maxRequestsInFlight = 1
        let concurrency = NIOLockedValueBox((now: 0, most: 0))
        try await withLiveServer(configuration) { request, writer in
            concurrency.withLockedValue { concurrency in
                concurrency.now += 1
                concurrency.most = max(concurrency.most, concurrency.now)
            }
            // Long enough for the other connections' requests to arrive meanwhile.
            try? await Task.sleep(for: .milliseconds(20))
            concurrency.withLockedValue { $0.now -= 1 }
            try await writer.write(ByteBuffer(string: "query=\(request.params["QUERY_STRING"] ?? "")"))
        } _: { address, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<6 {
                    group.addTask {
                        let connection = try await connectClient(to: address)
                        try await connection.executeThenClose { inbound, outbound in
                            var responses = inbound.makeAsyncIterator()
                            try await outbound.write(
                                contentsOf: WebServer.request(1, params: ["QUERY_STRING": "c=\(client)"]))
                            let records = try await responses.response(to: 1)
                            #expect(Wire.stdout(of: 1, in: records) == "query=c=\(client)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(concurrency.withLockedValue { $0.most } == 1)
    }
}
