import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

@testable import FastCGI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a FastCGIServer in a ServiceGroup for the duration of `body`, then shuts it down gracefully and waits for
/// `run()` to return.
func withLiveServer(
    _ configuration: FastCGIServerConfiguration = .testing,
    handler: @escaping FastCGIHandler,
    _ body: (SocketAddress, ServiceGroup) async throws -> Void
) async throws {
    let (addresses, continuation) = AsyncStream.makeStream(of: SocketAddress?.self)
    let server = FastCGIServer(
        configuration: configuration,
        logger: testLogger,
        onServerRunning: { address in
            continuation.yield(address)
            continuation.finish()
        },
        handler: handler
    )
    let group = ServiceGroup(configuration: .init(services: [server], logger: testLogger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { continuation.finish() }  // a server that fails to start must not leave the test waiting
            try await group.run()
        }
        var iterator = addresses.makeAsyncIterator()
        guard let bound = await iterator.next(), let address = bound else {
            try await tasks.waitForAll()
            throw TestFailure("the server did not start")
        }
        try await body(address, group)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// A FastCGI client connection that speaks records.
typealias ClientConnection = NIOAsyncChannel<FastCGIRecord, FastCGIRecord>

func connectClient(to address: SocketAddress) async throws -> ClientConnection {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(to: address) { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(
                ByteToMessageHandler(FastCGIRecordDecoder()),
                MessageToByteHandler(FastCGIRecordEncoder())
            )
            return try ClientConnection(wrappingChannelSynchronously: channel)
        }
    }
}

extension NIOAsyncChannelInboundStream<FastCGIRecord>.AsyncIterator {
    /// Reads records until END_REQUEST for `requestID`.
    mutating func response(to requestID: UInt16) async throws -> [FastCGIRecord] {
        var records: [FastCGIRecord] = []
        while let record = try await next() {
            records.append(record)
            if record.type == .endRequest && record.requestID == requestID {
                return records
            }
        }
        throw TestFailure("connection closed before END_REQUEST; got \(records.map(\.type))")
    }
}

let echoQueryString: FastCGIHandler = { request, writer in
    try await writer.write(ByteBuffer(string: "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n"))
    try await writer.write(ByteBuffer(string: "query=\(request.params["QUERY_STRING"] ?? "")"))
}

/// Raw sockets for the inherited-socket tests.
enum RawSocket {
    /// A TCP socket listening on 127.0.0.1 on a free port; the caller owns the descriptor.
    static func listeningOnLoopback() throws -> Int32 {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else {
            throw TestFailure("socket() failed: errno \(errno)")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw TestFailure("bind/listen failed: errno \(errno)")
        }
        return fd
    }

    /// Binds a unix socket at `path` and closes it without removing the file.
    static func leaveStaleUnixSocket(at path: String) throws {
        #if canImport(Glibc)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else {
            throw TestFailure("socket() failed: errno \(errno)")
        }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw TestFailure("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            throw TestFailure("bind(\(path)) failed: errno \(errno)")
        }
    }

    /// A pipe's read and write ends.
    static func pipeDescriptors() throws -> (Int32, Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw TestFailure("pipe() failed: errno \(errno)")
        }
        return (descriptors[0], descriptors[1])
    }

    /// The permission bits of a file, or nil if it does not exist.
    static func permissions(of path: String) -> UInt16? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return nil
        }
        return UInt16(status.st_mode & 0o777)
    }
}
