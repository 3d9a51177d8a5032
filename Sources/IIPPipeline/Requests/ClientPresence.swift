/// Whether the client of the request being answered is still connected, as its frontend can tell.
///
/// FastCGI needs no probe: an ABORT_REQUEST or a closed connection cancels the request's task. Over HTTP the
/// request runs on its connection's task, which a client's disconnection does not cancel; the frontend sets a
/// probe of the connection instead (``current``), and the ``CodecExecutor`` consults it before each job of a region
/// export, so the codec work of an export whose client has gone is dropped.
public struct ClientPresence: Sendable {
    /// The presence of the current request's client; always connected unless a frontend says otherwise.
    @TaskLocal public static var current = ClientPresence.always

    /// A client that never goes: for work no single client owns (shared decodes, memory trimming).
    public static let always = ClientPresence { true }

    /// Whether the client is still there; cheap and safe to call from any thread.
    public let isConnected: @Sendable () -> Bool

    /// A presence read from `isConnected`.
    public init(isConnected: @escaping @Sendable () -> Bool) {
        self.isConnected = isConnected
    }
}
