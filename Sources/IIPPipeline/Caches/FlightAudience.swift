import NIOConcurrencyHelpers

/// The clients waiting for one shared decode of the ``DecodedTileCache``: the decode is wanted while any of them is
/// still connected, so one export's client leaving does not drop a tile another export waits for.
final class FlightAudience: Sendable {
    private let members: NIOLockedValueBox<[ClientPresence]>

    /// An audience of the client that started the decode.
    init(_ first: ClientPresence) {
        members = NIOLockedValueBox([first])
    }

    /// Another client waits for the same decode.
    func add(_ member: ClientPresence) {
        members.withLockedValue { $0.append(member) }
    }

    /// The presence the decode runs with: connected while any member is.
    var presence: ClientPresence {
        ClientPresence { [members] in members.withLockedValue { $0.contains { $0.isConnected() } } }
    }
}
