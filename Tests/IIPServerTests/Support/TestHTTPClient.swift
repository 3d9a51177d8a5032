import Foundation
import NIOCore
import NIOPosix

/// A response as received on the wire.
struct TestHTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of a header, case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every header name, lower-cased.
    var headerNames: Set<String> { Set(headers.map { $0.name.lowercased() }) }

    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.0 client on SwiftNIO: one request per connection, the body read until the server closes.
/// It sends exactly the bytes asked for, so tests can also send what a browser never would.
enum TestHTTPClient {
    /// Sends `GET target` (or another method) to host:port.
    static func get(
        host: String = "127.0.0.1", port: Int, _ target: String, method: String = "GET",
        headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> TestHTTPResponse {
        var request = "\(method) \(target) HTTP/1.0\r\nConnection: close\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { request += "Host: \(host):\(port)\r\n" }
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty { request += "Content-Length: \(body.count)\r\n" }
        request += "\r\n"
        let raw = try await exchange(host: host, port: port, bytes: Array(request.utf8) + body)
        return try parse(raw, isHead: method == "HEAD")
    }

    /// The longest a test waits for a server to answer and close: a hang becomes a failure, not a stuck run.
    static let timeout: Duration = .seconds(30)

    struct Timeout: Error, CustomStringConvertible {
        var description: String { "no complete answer within \(TestHTTPClient.timeout)" }
    }

    /// Writes raw bytes and reads everything until the connection closes, failing after ``timeout``.
    static func exchange(host: String, port: Int, bytes: [UInt8]) async throws -> [UInt8] {
        try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { try await exchangeWithoutTimeout(host: host, port: port, bytes: bytes) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let received = first else { throw Timeout() }
            return received
        }
    }

    /// Opens and closes a connection, to see whether something listens.
    static func connectOnly(host: String = "127.0.0.1", port: Int) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(500))
            .connect(host: host, port: port).get()
        try await channel.close()
    }

    private static func exchangeWithoutTimeout(host: String, port: Int, bytes: [UInt8]) async throws -> [UInt8] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var received: [UInt8] = []
            for try await chunk in inbound { received += chunk.readableBytesView }
            return received
        }
    }

    enum ParseError: Error {
        case noHeaderEnd
        case badStatusLine(String)
    }

    static func parse(_ raw: [UInt8], isHead: Bool = false) throws -> TestHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.firstRange(of: separator) else { throw ParseError.noHeaderEnd }
        let head = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ParseError.badStatusLine(statusLine) }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (
                String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            )
        }
        var body = Array(raw[end.upperBound...])
        if headers.contains(where: { $0.name.lowercased() == "transfer-encoding" && $0.value.lowercased() == "chunked" }
        ) {
            body = dechunk(body)
        }
        return TestHTTPResponse(status: status, headers: headers, body: isHead ? [] : body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: [13, 10]) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            output += bytes[start..<min(start + size, bytes.count)]
            index = start + size + 2
        }
        return output
    }
}
