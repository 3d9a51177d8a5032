/// One token of an IIP request after parsing: a command, or the reason it could not be one.
public enum IIPRequestItem: Sendable, Hashable {
    /// A well-formed command.
    case command(IIPCommand)
    /// A known command whose argument does not parse; the request answers IIP error `2 1`.
    case malformed(name: String, argument: String)
    /// A command name iipsrv does not know; it queues IIP error `2 2 <name>` and processing continues.
    case unsupported(name: String)
}
