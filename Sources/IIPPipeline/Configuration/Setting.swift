/// One environment variable of the server: its name, default, accepted values, meaning, whether it works yet, and
/// how it is read into and shown from a ``ServerConfiguration``.
///
/// ``ServerConfiguration/settings`` lists every variable once. Parsing (``ServerConfiguration/init(environment:cores:)``),
/// the start-up summary, `--help`, `Config/iipsrv-async.env` and the README's tables all come from that list or are
/// checked against it by tests, so they cannot drift apart.
package struct Setting: Sendable {
    /// Where the variable comes from.
    package enum Origin: Sendable, Hashable {
        /// One of iipsrv's variables, with iipsrv's name, default and clamping (iipsrv-reference §9).
        case iipsrv
        /// This server's own.
        case server
    }

    /// Whether the variable does anything today.
    package enum Status: Sendable, Hashable {
        /// It takes effect.
        case works
        /// It is read, clamped and logged, but the feature it controls is not built yet (named here).
        case notYet(String)
        /// Accepted so existing configurations keep working; it has no effect by design (the reason is given).
        case accepted(String)

        /// Whether the variable takes effect.
        package var works: Bool { self == .works }
    }

    /// The environment variable's name.
    package let name: String
    /// iipsrv's or this server's own.
    package let origin: Origin
    /// The default as documented (the summary shows the value in force, which may depend on the machine).
    package let defaultText: String
    /// The accepted values and what happens to others, in a few words.
    package let range: String
    /// What it controls.
    package let meaning: String
    /// Whether it works yet.
    package let status: Status
    let read: @Sendable (inout ServerConfiguration, String) -> Void
    let show: @Sendable (ServerConfiguration) -> String

    init(
        _ name: String, _ origin: Origin, default defaultText: String, range: String, _ meaning: String,
        status: Status = .works, read: @escaping @Sendable (inout ServerConfiguration, String) -> Void,
        show: @escaping @Sendable (ServerConfiguration) -> String
    ) {
        self.name = name
        self.origin = origin
        self.defaultText = defaultText
        self.range = range
        self.meaning = meaning
        self.status = status
        self.read = read
        self.show = show
    }

    /// The value in force in `configuration`, as the start-up log shows it.
    package func value(in configuration: ServerConfiguration) -> String { show(configuration) }
}
