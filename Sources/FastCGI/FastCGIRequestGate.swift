import NIOConcurrencyHelpers
import NIOCore

/// A bound on the FastCGI requests worked on at once across all of a server's connections
/// (``FastCGIServerConfiguration/maxRequestsInFlight``).
///
/// A request that arrives while `limit` requests hold a ``FastCGIRequestPass`` waits here, in order of arrival, as
/// the parsed request its connection keeps: it has no task and costs the process nothing but its CGI variables.
/// Each pass given back lets the longest waiter through. Its connection is still read meanwhile, so an
/// ABORT_REQUEST or the web server closing the connection withdraws it before it starts.
///
/// Without the bound, every request read starts a task at once, and past the pipeline's request slots it waits in
/// the pipeline's queue. Behind nginx with 1,000 client connections that is a thousand suspended tasks and a long
/// tail of latency; the bound shortened it without changing the CPU per request beyond the machine's spread (the
/// README's "Many connections").
///
/// At most `maxWaiting` requests wait; past that (a client multiplexing many requests on its connections) a request
/// starts at once without a pass, and the pipeline's own bounds (MAX_REQUESTS_IN_FLIGHT, MAX_REQUESTS_QUEUED) apply.
final class FastCGIRequestGate: Sendable {
    /// What ``enter(_:)`` decided for a request.
    enum Entry {
        /// Start now, holding this pass.
        case now(FastCGIRequestPass)
        /// The request waits; `start` is called with its pass when its turn comes, unless ``withdraw(_:)`` came first.
        case waiting(FastCGIRequestGate.Ticket)
        /// Too many wait already: start now, outside the bound.
        case overflow
    }

    /// Identifies a waiting request, to withdraw it.
    struct Ticket: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    private struct Waiter {
        let ticket: Ticket
        let start: @Sendable (FastCGIRequestPass) -> Void
    }

    private struct State {
        var inFlight = 0
        var waiting = CircularBuffer<Waiter>()
        var nextTicket: UInt64 = 0
    }

    /// Requests that may hold a pass at once.
    let limit: Int
    /// Requests that may wait for a pass.
    let maxWaiting: Int
    private let state = NIOLockedValueBox(State())

    /// Creates a gate letting `limit` requests through at once, with at most `maxWaiting` waiting.
    init(limit: Int, maxWaiting: Int) {
        self.limit = max(limit, 1)
        self.maxWaiting = max(maxWaiting, 0)
    }

    /// Lets a request through now, or queues `start` for when a pass is given back.
    ///
    /// `start` may be called on any thread (the one giving a pass back): it must hop to its connection's event loop.
    func enter(_ start: @escaping @Sendable (FastCGIRequestPass) -> Void) -> Entry {
        let entry: Entry? = state.withLockedValue { state in
            if state.inFlight < limit, state.waiting.isEmpty {
                state.inFlight += 1
                return nil
            }
            guard state.waiting.count < maxWaiting else { return .overflow }
            state.nextTicket &+= 1
            let ticket = Ticket(value: state.nextTicket)
            state.waiting.append(Waiter(ticket: ticket, start: start))
            return .waiting(ticket)
        }
        return entry ?? .now(FastCGIRequestPass(gate: self))
    }

    /// Removes a waiting request whose connection aborted it or closed. Returns whether it was still waiting; if not,
    /// its `start` has been called or is about to be, with a pass that the connection must give back.
    @discardableResult
    func withdraw(_ ticket: Ticket) -> Bool {
        state.withLockedValue { state in
            guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else { return false }
            state.waiting.remove(at: index)
            return true
        }
    }

    /// Requests holding a pass and requests waiting: for tests and metrics.
    var occupancy: (inFlight: Int, waiting: Int) {
        state.withLockedValue { ($0.inFlight, $0.waiting.count) }
    }

    /// A pass comes back: the longest waiter gets it, or the room is freed. The waiter's `start` runs after the lock
    /// is released.
    func leave() {
        let next = state.withLockedValue { state -> Waiter? in
            if let next = state.waiting.popFirst() { return next }
            state.inFlight -= 1
            return nil
        }
        next?.start(FastCGIRequestPass(gate: self))
    }
}
