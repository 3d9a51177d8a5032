import Synchronization
import Testing

/// A thread-safe counter for closures that run on any thread.
final class CallCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds one and returns the new count.
    @discardableResult
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }

    var count: Int { value.load(ordering: .relaxed) }
}

/// A gate that holds callers until it is opened, and reports each arrival on `arrivals`.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    let arrivals: AsyncStream<String>
    private let arrived: AsyncStream<String>.Continuation

    init() {
        (arrivals, arrived) = AsyncStream.makeStream(of: String.self)
    }

    /// Reports `label`, then waits until the gate is open.
    func pass(_ label: String) async {
        arrived.yield(label)
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Lets every waiting and future caller through.
    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }
}

/// Waits until `condition` holds, letting other tasks run between checks. Nothing is timed: the wait ends when the
/// state the test needs is reached, and a state that is never reached fails the test after 100,000 checks instead
/// of hanging.
func eventually(_ what: String, _ condition: () async -> Bool) async {
    for attempt in 0..<100_000 {
        if await condition() { return }
        await Task.yield()
        // After the first thousand checks, give the other threads a moment instead of spinning.
        if attempt > 1000 { try? await Task.sleep(for: .microseconds(100)) }
    }
    Issue.record("never reached: \(what)")
}
