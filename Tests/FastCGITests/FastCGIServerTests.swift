import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

@testable import FastCGI

@Suite("Live server", .timeLimit(.minutes(1)))
struct FastCGIServerTests {
    @Test("Serves over TCP; graceful shutdown closes an idle keep-alive connection and run() returns")
    func tcpAndGracefulShutdownWhileIdle() async throws {
        try await withLiveServer(handler: echoQueryString) { address, group in
            #expect(address.port != 0)
            let client = try await connectClient(to: address)
            try await client.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                for round in 1...2 {
                    try await outbound.write(contentsOf: WebServer.request(1, params: ["QUERY_STRING": "r=\(round)"]))
                    let records = try await responses.response(to: 1)
                    #expect(Wire.stdout(of: 1, in: records).hasSuffix("\r\n\r\nquery=r=\(round)"))
                }
                // The web server keeps the connection open and idle; shutdown must not wait for it.
                await group.triggerGracefulShutdown()
                #expect(try await responses.next() == nil)
            }
        }
    }

    @Test("Graceful shutdown lets a request in flight finish, then closes its connection")
    func gracefulShutdownWhileBusy() async throws {
        let started = Signal()
        let release = Signal()
        try await withLiveServer { _, writer in
            started.fire()
            await release.wait()
            try await writer.write(ByteBuffer(string: "Status: 200 OK\r\n\r\nfinished"))
        } _: { address, group in
            let client = try await connectClient(to: address)
            try await client.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                try await outbound.write(contentsOf: WebServer.request(1, params: [:]))
                await started.wait()
                await group.triggerGracefulShutdown()
                release.fire()
                let records = try await responses.response(to: 1)
                #expect(Wire.stdout(of: 1, in: records).hasSuffix("finished"))
                #expect(try await responses.next() == nil)
            }
        }
    }

    @Test("Cancelling run() stops the server even with a keep-alive connection open")
    func cancellation() async throws {
        let (addresses, continuation) = AsyncStream.makeStream(of: SocketAddress?.self)
        let server = FastCGIServer(
            configuration: .testing,
            logger: testLogger,
            onServerRunning: { continuation.yield($0) },
            handler: echoQueryString
        )
        let running = Task { try await server.run() }
        var iterator = addresses.makeAsyncIterator()
        let address = try #require(await iterator.next() ?? nil)
        let client = try await connectClient(to: address)
        try await client.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            try await outbound.write(contentsOf: WebServer.request(1, params: ["QUERY_STRING": "x"]))
            _ = try await responses.response(to: 1)
            running.cancel()
            _ = try? await running.value
            #expect(try await responses.next() == nil)
        }
    }

    @Test("Serves over a unix socket: replaces a stale file, applies the mode, removes the file on shutdown")
    func unixSocket() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcgi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("iipsrv.sock").path

        try RawSocket.leaveStaleUnixSocket(at: path)  // as a crashed server would
        #expect(RawSocket.permissions(of: path) != nil)

        var configuration = FastCGIServerConfiguration(address: .unixSocket(path: path))
        configuration.unixSocketMode = 0o600
        try await withLiveServer(configuration, handler: echoQueryString) { address, _ in
            #expect(address.pathname == path)
            #expect(RawSocket.permissions(of: path) == 0o600)
            let client = try await connectClient(to: address)
            try await client.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                try await outbound.write(contentsOf: WebServer.request(9, params: ["QUERY_STRING": "unix"]))
                #expect(Wire.stdout(of: 9, in: try await responses.response(to: 9)).hasSuffix("query=unix"))
            }
        }
        #expect(RawSocket.permissions(of: path) == nil)
    }

    @Test("Serves on an inherited listening socket")
    func inheritedSocket() async throws {
        let fd = try RawSocket.listeningOnLoopback()  // owned by the server from here on
        #expect(FastCGIAddress.isListeningSocket(fd))
        try await withLiveServer(.init(address: .inheritedSocket(fd: fd)), handler: echoQueryString) { address, _ in
            #expect(address.port != 0)
            let client = try await connectClient(to: address)
            try await client.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                try await outbound.write(contentsOf: WebServer.request(1, params: ["QUERY_STRING": "fd"]))
                #expect(Wire.stdout(of: 1, in: try await responses.response(to: 1)).hasSuffix("query=fd"))
            }
        }
    }

    @Test("Only listening sockets count as inherited")
    func listeningSocketDetection() throws {
        let (readEnd, writeEnd) = try RawSocket.pipeDescriptors()
        defer {
            close(readEnd)
            close(writeEnd)
        }
        #expect(!FastCGIAddress.isListeningSocket(readEnd))
        #expect(!FastCGIAddress.isListeningSocket(-1))
        // Under `swift test`, standard input is not a listening socket.
        #expect(FastCGIAddress.inheritedListeningSocket() == nil)
    }

    @Test("Connections past maxConnections are closed at once")
    func connectionLimit() async throws {
        var configuration = FastCGIServerConfiguration.testing
        configuration.maxConnections = 1
        try await withLiveServer(configuration, handler: echoQueryString) { address, _ in
            let first = try await connectClient(to: address)
            try await first.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                try await outbound.write(contentsOf: WebServer.request(1, params: ["QUERY_STRING": "a"]))
                _ = try await responses.response(to: 1)  // the first connection is now counted
                let second = try await connectClient(to: address)
                try await second.executeThenClose { secondInbound, _ in
                    var secondResponses = secondInbound.makeAsyncIterator()
                    let record = try await secondResponses.next()
                    #expect(record == nil)
                }
            }
        }
    }

    @Test(
        "A connection's slot is given back when it closes: with maxConnections 1, connections one after another are all served"
    )
    func connectionLimitFreesSlots() async throws {
        var configuration = FastCGIServerConfiguration.testing
        configuration.maxConnections = 1
        try await withLiveServer(configuration, handler: echoQueryString) { address, _ in
            for index in 0..<3 {
                // The slot comes back once the server has seen the previous connection close and its request's task
                // has returned; until then a new connection is refused (closed without an answer) and tried again.
                var answered = false
                for _ in 0..<200 where !answered {
                    let client = try await connectClient(to: address)
                    answered = try await client.executeThenClose { inbound, outbound in
                        var responses = inbound.makeAsyncIterator()
                        let request = WebServer.request(1, params: ["QUERY_STRING": "n=\(index)"])
                        guard (try? await outbound.write(contentsOf: request)) != nil,
                            let records = try? await responses.response(to: 1)
                        else { return false }
                        return Wire.stdout(of: 1, in: records).hasSuffix("query=n=\(index)")
                    }
                    if !answered {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                #expect(answered, "connection \(index) was still refused after 200 tries")
            }
        }
    }

    @Test("Cancelling run() closes the connections and returns only once a running handler has returned")
    func cancellationWaitsForHandlers() async throws {
        let (addresses, continuation) = AsyncStream.makeStream(of: SocketAddress?.self)
        let started = Signal()
        let release = Signal()
        let handlerReturned = Flag()
        let handler: FastCGIHandler = { _, _ in
            started.fire()
            // An unstructured task does not inherit the cancellation: the handler returns when the test lets it.
            await Task { await release.wait() }.value
            handlerReturned.set()
        }
        let server = FastCGIServer(
            configuration: .testing,
            logger: testLogger,
            onServerRunning: { continuation.yield($0) },
            handler: handler
        )
        let runReturned = Flag()
        let running = Task {
            try await server.run()
            runReturned.set()
        }
        var iterator = addresses.makeAsyncIterator()
        let address = try #require(await iterator.next() ?? nil)
        let client = try await connectClient(to: address)
        try await client.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            try await outbound.write(contentsOf: WebServer.request(1, params: [:]))
            await started.wait()
            running.cancel()
            #expect(try await responses.next() == nil)  // the connection was closed
            for _ in 0..<100 {
                await Task.yield()
            }
            #expect(!runReturned.isSet)
            release.fire()
            _ = try? await running.value
            #expect(handlerReturned.isSet)
            #expect(runReturned.isSet)
        }
    }

    @Test("Interoperates with libfcgi's cgi-fcgi client")
    func cgiFcgi() async throws {
        let executable = "/usr/bin/cgi-fcgi"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            Issue.record("\(executable) not found: install the Debian package libfcgi-bin (CI does)")
            return
        }
        try await withLiveServer(handler: echoQueryString) { address, _ in
            let port = try #require(address.port)
            let output = try await CommandRunner.run(
                executable,
                arguments: ["-bind", "-connect", "127.0.0.1:\(port)"],
                environment: ["QUERY_STRING": "FIF=demo.tif&CVT=jpeg", "REQUEST_METHOD": "GET"]
            )
            #expect(output.status == 0)
            #expect(output.stdout.contains("query=FIF=demo.tif&CVT=jpeg"), "cgi-fcgi printed: \(output.stdout)")
        }
    }
}

/// Runs a command to completion without blocking a cooperative thread.
enum CommandRunner {
    static func run(
        _ executable: String,
        arguments: [String],
        environment: [String: String]
    ) async throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                let data = output.fileHandleForReading.readDataToEndOfFile()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
