import IIPImaging
import NIOConcurrencyHelpers

/// One fetch from the store that several reads wait for: the first read missing a span fetches it, reads missing
/// the same span meanwhile wait for its bytes instead of fetching them again. They wait on their codec threads,
/// which a read blocks anyway.
final class Flight: Sendable {
    /// What a flight fetches: a span of one version of one object.
    struct Key: Sendable, Hashable {
        var object: ObjectIdentity
        var range: Range<Int>
    }

    private let landed = ConditionLock(value: false)
    private let outcome = NIOLockedValueBox<Result<[UInt8], ImagingError>?>(nil)

    /// Hands the fetch's outcome to every read waiting for it.
    func land(_ result: Result<[UInt8], ImagingError>) {
        outcome.withLockedValue { $0 = result }
        landed.lock()
        landed.unlock(withValue: true)
    }

    /// Waits for the fetch's outcome.
    func wait() -> Result<[UInt8], ImagingError> {
        landed.lock(whenValue: true)
        landed.unlock()
        return outcome.withLockedValue { $0 } ?? .failure(.storeUnavailable("a shared fetch ended without a result"))
    }
}
