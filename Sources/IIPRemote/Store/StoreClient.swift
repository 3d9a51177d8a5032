import AsyncHTTPClient
import Foundation
package import Logging
package import NIOCore
package import NIOHTTP1

/// Sends `HEAD` and ranged `GET` requests to a remote store and waits for their answers: a blocking client, for
/// the codec threads that read images (never an event loop or Swift's cooperative pool).
///
/// Requests go through one `HTTPClient` (its connection pool keeps connections to the store alive between
/// requests); S3 requests are signed with Signature Version 4 unless access is anonymous. A request that cannot
/// connect, times out or gets a 5xx answer is retried with a doubling backoff; redirects are not followed.
package final class StoreClient: Sendable {
    /// What a request got.
    package struct Answer: Sendable {
        /// The HTTP status.
        package var status: Int
        /// The response headers.
        package var headers: HTTPHeaders
        /// The body, if any.
        package var body: ByteBuffer?
    }

    private let client: HTTPClient
    private let addresses: ObjectAddresses
    private let configuration: RemoteStoreConfiguration
    private let logger: Logger

    /// Creates a client for the store `addresses` name.
    package init(addresses: ObjectAddresses, configuration: RemoteStoreConfiguration, logger: Logger) {
        var settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: .nanoseconds(Self.nanoseconds(configuration.connectTimeout)),
                read: .nanoseconds(Self.nanoseconds(configuration.timeout))),
            connectionPool: HTTPClient.Configuration.ConnectionPool(
                idleTimeout: .seconds(60),
                concurrentHTTP1ConnectionsPerHostSoftLimit: max(configuration.connectionsPerHost, 1)))
        settings.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
        self.addresses = addresses
        self.configuration = configuration
        self.logger = logger
    }

    /// Closes the connections.
    package func shutdown() async {
        try? await client.shutdown()
    }

    /// Sends `method` for the object at `path` (the prefix and the image's path) with a `Range` header for `range`
    /// when given, retrying as configured, and returns the answer, whatever its status.
    ///
    /// - Throws: ``IIPImaging/ImagingError/storeUnavailable(_:)`` when no answer came (connection refused, timeout)
    ///   or the last try still got a 5xx.
    package func send(_ method: HTTPMethod, path: String, range: Range<Int>? = nil) throws(StoreFailure) -> Answer {
        var attempt = 0
        while true {
            let outcome = once(method, path: path, range: range)
            switch outcome {
            case .success(let answer) where answer.status < 500:
                return answer
            case .success(let answer) where attempt >= configuration.retries:
                throw StoreFailure(reason: "the store answered \(answer.status) to \(method) \(path)")
            case .failure(let failure) where attempt >= configuration.retries:
                throw failure
            case .success(let answer):
                logger.debug("remote store retry", metadata: ["status": "\(answer.status)", "path": "\(path)"])
            case .failure(let failure):
                logger.debug("remote store retry", metadata: ["error": "\(failure.reason)", "path": "\(path)"])
            }
            usleep(useconds_t(50_000 << min(attempt, 6)))
            attempt += 1
        }
    }

    private func once(_ method: HTTPMethod, path: String, range: Range<Int>?) -> Result<Answer, StoreFailure> {
        var extra: [(name: String, value: String)] = []
        if let range { extra.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        let target = addresses.request(method: method.rawValue, path: path, headers: extra, now: Self.now())
        do {
            let request = try HTTPClient.Request(url: target.url, method: method, headers: HTTPHeaders(target.headers))
            let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(configuration.timeout))
            let response = try client.execute(request: request, deadline: deadline).wait()
            return .success(Answer(status: Int(response.status.code), headers: response.headers, body: response.body))
        } catch let error as HTTPClientError {
            return .failure(StoreFailure(reason: "\(method) \(path): \(Self.describe(error))"))
        } catch {
            return .failure(StoreFailure(reason: "\(method) \(path): cannot reach the store (\(type(of: error)))"))
        }
    }

    /// A description of a client error that names no URL (a URL could carry a signature).
    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .deadlineExceeded, .readTimeout: "timed out"
        case .connectTimeout: "connection timed out"
        case .remoteConnectionClosed: "the store closed the connection"
        default: "cannot reach the store (\(error.shortDescription))"
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}

/// Why a request to the store got no usable answer, in words that carry no credentials.
package struct StoreFailure: Error, Sendable, Hashable {
    /// The reason.
    package var reason: String
}
