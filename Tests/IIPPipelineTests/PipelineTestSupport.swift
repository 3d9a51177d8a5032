import Synchronization

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

/// Lets other tasks run for a moment: used only to let a concurrent step settle, never to assert timing.
func settle() async {
    for _ in 0..<10 { await Task.yield() }
    try? await Task.sleep(for: .milliseconds(30))
}
