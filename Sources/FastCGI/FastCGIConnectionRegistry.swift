import NIOConcurrencyHelpers
import NIOCore

/// The server's open connections: counted against ``FastCGIServerConfiguration/maxConnections``, closed together
/// when the server is cancelled, and awaited when it stops.
///
/// A connection stays registered until its channel has closed and every task it started has returned, so a server
/// that waits for the registry to empty waits for its last answer.
final class FastCGIConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var isClosed = false
        var emptied: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())
    private let limit: Int

    /// Creates a registry admitting at most `limit` connections at once.
    init(limit: Int) {
        self.limit = limit
    }

    /// Registers `channel`, or returns `false` when `limit` connections are open or ``closeAll()`` was called.
    func admit(_ channel: any Channel) -> Bool {
        state.withLockedValue { state in
            guard !state.isClosed, state.open.count < limit else {
                return false
            }
            state.open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    /// Forgets `channel`, whose connection has ended; wakes the waiters of ``waitUntilEmpty()`` when it was the last.
    func remove(_ channel: any Channel) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.open[ObjectIdentifier(channel)] = nil
            guard state.open.isEmpty else {
                return []
            }
            defer { state.emptied = [] }
            return state.emptied
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    /// Refuses every later connection and closes the open ones (which cancels their requests' tasks).
    func closeAll() {
        let channels = state.withLockedValue { state in
            state.isClosed = true
            return Array(state.open.values)
        }
        for channel in channels {
            channel.close(promise: nil)
        }
    }

    /// Returns once no connection is registered.
    func waitUntilEmpty() async {
        await withCheckedContinuation { waiter in
            let isEmpty = state.withLockedValue { state in
                guard !state.open.isEmpty else {
                    return true
                }
                state.emptied.append(waiter)
                return false
            }
            if isEmpty {
                waiter.resume()
            }
        }
    }
}
