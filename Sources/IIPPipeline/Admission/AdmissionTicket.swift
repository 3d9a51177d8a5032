import Synchronization

/// An admitted request's hold on its ``Admission`` slot, reachable from the stages as ``current``.
///
/// A stage that is about to wait on a bound of its own (a region export waiting for one of MAX_EXPORTS_IN_FLIGHT)
/// calls ``stepAside()``: the slot goes to the next waiting request at once, and the request goes on without one.
/// It still counts for the drain: ``Admission/drained()`` waits for it.
package final class AdmissionTicket: Sendable {
    /// The ticket of the request the current task serves, if it was admitted.
    @TaskLocal package static var current: AdmissionTicket?
    /// What else a request gives up when it steps aside: a frontend's own place for it (the FastCGI server's bound
    /// on requests in flight), set by the frontend around the request.
    @TaskLocal package static var frontendPlace: FrontendPlace?

    /// Steps the current request aside: its ticket's slot (if it was admitted) and its frontend's place go to the
    /// next requests. Calling it again does nothing more.
    package static func stepAsideCurrent() {
        current?.stepAside()
        frontendPlace?.giveBack()
    }

    private let admission: Admission
    private let steppedAside = Atomic(false)

    init(admission: Admission) {
        self.admission = admission
    }

    /// Whether ``stepAside()`` gave the slot up.
    var hasSteppedAside: Bool { steppedAside.load(ordering: .acquiring) }

    /// Gives the request's slot to the next request; the request goes on outside MAX_REQUESTS_IN_FLIGHT. Calling it
    /// again does nothing.
    package func stepAside() {
        guard !steppedAside.exchange(true, ordering: .acquiringAndReleasing) else { return }
        admission.detach()
    }
}
