/// Fails the set-up of a connection accepted past ``FastCGIServerConfiguration/maxConnections`` (or while the server
/// stops), which makes NIO close it before any handler is added.
struct FastCGIConnectionLimitReached: Error {}
