/// The `protocolStatus` byte of an END_REQUEST record.
enum FastCGIProtocolStatus: UInt8, Sendable {
    /// Normal end of request.
    case requestComplete = 0
    /// The application refuses a second request on a connection that does not multiplex.
    case cantMultiplexConnection = 1
    /// The application is out of some resource (here: requests in flight, or shutting down).
    case overloaded = 2
    /// The application does not support the requested role.
    case unknownRole = 3
}
