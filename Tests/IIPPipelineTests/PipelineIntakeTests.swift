import Synchronization
import Testing

@testable import IIPPipeline

/// Admission control: a bound on jobs in flight and on jobs waiting, with an immediate busy answer past it.
@Suite struct PipelineIntakeTests {
    static func request(_ label: String) -> ServerRequest { ServerRequest(query: label) }
    static let busy: @Sendable () -> ServerResponse = { ServerResponse(status: 503) }

    /// Starts `run` with a processor that waits at `gate` and answers 200.
    private func start(_ intake: PipelineIntake, gate: Gate) -> Task<Void, Never> {
        Task {
            await intake.run { request in
                await gate.pass(request.query)
                return ServerResponse(status: 200, headers: [("X-Job", request.query)])
            }
        }
    }

    // One job runs and `maxQueued` wait; every further request is answered busy at once.
    @Test func admitsInFlightPlusQueuedAndRejectsTheRest() async throws {
        let intake = PipelineIntake(maxInFlight: 1, maxQueued: 2)
        let gate = Gate()
        let rejected = CallCounter()
        let runner = start(intake, gate: gate)

        let (results, input) = AsyncStream.makeStream(of: (String, Int).self)
        let submitters = Task {
            var arrivals = gate.arrivals.makeAsyncIterator()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    let response = await intake.submit(Self.request("job1"), busy: Self.busy)
                    input.yield(("job1", response.status))
                }
                // The first job is being processed before the others arrive.
                _ = await arrivals.next()
                for index in 2...6 {
                    group.addTask {
                        let response = await intake.submit(Self.request("job\(index)"), busy: Self.busy)
                        if response.status == 503 { rejected.increment() }
                        input.yield(("job\(index)", response.status))
                    }
                }
                await eventually("2 queued, 3 rejected") { intake.occupancy.waiting == 2 && rejected.count == 3 }
                await gate.open()
            }
            input.finish()
        }
        var statuses: [String: Int] = [:]
        for await (label, status) in results { statuses[label] = status }
        await submitters.value
        intake.finish()
        await runner.value

        #expect(statuses.count == 6)
        #expect(statuses["job1"] == 200)
        #expect(statuses.values.filter { $0 == 200 }.count == 3, "admitted: \(statuses.sorted { $0.key < $1.key })")
        #expect(statuses.values.filter { $0 == 503 }.count == 3)
    }

    // With nothing running, a request is processed at once: the bound counts waiting jobs only.
    @Test func idleIntakeProcessesImmediately() async {
        let intake = PipelineIntake(maxInFlight: 2, maxQueued: 0)
        let gate = Gate()
        await gate.open()
        let runner = start(intake, gate: gate)
        await eventually("run() started") { intake.occupancy.started }
        let response = await intake.submit(Self.request("only"), busy: Self.busy)
        #expect(response.status == 200)
        #expect(response.header("X-Job") == "only")
        intake.finish()
        await runner.value
    }

    @Test func finishRejectsNewJobsAndRunReturnsAfterQueuedOnes() async {
        let intake = PipelineIntake(maxInFlight: 1, maxQueued: 4)
        let gate = Gate()
        let processed = CallCounter()
        let runner = Task {
            await intake.run { request in
                await gate.pass(request.query)
                processed.increment()
                return ServerResponse(status: 200)
            }
            return processed.count
        }
        var arrivals = gate.arrivals.makeAsyncIterator()
        let first = Task { await intake.submit(Self.request("a"), busy: Self.busy).status }
        _ = await arrivals.next()
        let second = Task { await intake.submit(Self.request("b"), busy: Self.busy).status }
        await eventually("b queued") { intake.occupancy.waiting == 1 }

        intake.finish()
        let late = await intake.submit(Self.request("late"), busy: Self.busy)
        #expect(late.status == 503)
        #expect(processed.count == 0)

        await gate.open()
        #expect(await runner.value == 2, "run() returned before the queued job was done")
        #expect(await first.value == 200)
        #expect(await second.value == 200)
    }

    @Test func abandonedWaitingJobIsNotProcessed() async {
        let intake = PipelineIntake(maxInFlight: 1, maxQueued: 4)
        let gate = Gate()
        let processed = Mutex<[String]>([])
        let runner = Task {
            await intake.run { request in
                processed.withLock { $0.append(request.query) }
                await gate.pass(request.query)
                return ServerResponse(status: 200)
            }
        }
        var arrivals = gate.arrivals.makeAsyncIterator()
        let first = Task { await intake.submit(Self.request("kept"), busy: Self.busy).status }
        _ = await arrivals.next()
        let abandoned = Task { await intake.submit(Self.request("abandoned"), busy: Self.busy).status }
        await eventually("abandoned queued") { intake.occupancy.waiting == 1 }
        abandoned.cancel()
        await eventually("abandoned left the queue") { intake.occupancy.waiting == 0 }
        await gate.open()
        #expect(await first.value == 200)
        #expect(await abandoned.value == 499)
        intake.finish()
        await runner.value
        #expect(processed.withLock { $0 } == ["kept"])
    }

    @Test func manyRequestsAllAnsweredWhenTheQueueIsLargeEnough() async {
        let intake = PipelineIntake(maxInFlight: 3, maxQueued: 100)
        let gate = Gate()
        await gate.open()
        let runner = start(intake, gate: gate)
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask { await intake.submit(Self.request("\(index)"), busy: Self.busy).status }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 50))
        intake.finish()
        await runner.value
    }

    // Jobs queued before any processor exists are answered busy when the intake finishes, never left hanging.
    @Test func finishWithoutRunAnswersWaitingJobsBusy() async {
        let intake = PipelineIntake(maxInFlight: 1, maxQueued: 4)
        let waiting = Task { await intake.submit(Self.request("early"), busy: Self.busy).status }
        await eventually("early queued") { intake.occupancy.waiting == 1 }
        intake.finish()
        #expect(await waiting.value == 503)
    }

    // The processor runs on the submitting task: task-local context of the frontend reaches the stages.
    @Test func admittedJobsRunOnTheSubmittingTask() async {
        let intake = PipelineIntake(maxInFlight: 2, maxQueued: 0)
        let runner = Task {
            await intake.run { _ in ServerResponse(status: Probe.value) }
        }
        await eventually("run() started") { intake.occupancy.started }
        let status = await Probe.$value.withValue(207) { await intake.submit(Self.request("x"), busy: Self.busy) }
        #expect(status.status == 207)
        intake.finish()
        await runner.value
    }

    enum Probe {
        @TaskLocal static var value = 0
    }
}
