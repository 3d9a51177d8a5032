/// A frontend's own place for a request, outside the pipeline's admission: the FastCGI server's bound on requests
/// in flight (MAX_FCGI_REQUESTS_IN_FLIGHT). A request that steps aside (``AdmissionTicket/stepAsideCurrent()``)
/// gives it back with its admission slot.
///
/// A class rather than a bare closure in the task-local value: a task-local of function type crashed a release build
/// (Swift 6.3.1) in `swift_task_localValuePush` on the first request.
package final class FrontendPlace: Sendable {
    private let release: @Sendable () -> Void

    /// Creates a place whose `release` gives it back; it may be called more than once.
    package init(release: @escaping @Sendable () -> Void) {
        self.release = release
    }

    /// Gives the place back.
    package func giveBack() {
        release()
    }
}
