import Foundation

/// The real iipsrv (Debian's iipimage-server) behind nginx, started by `.ci/test` and named by environment
/// variables, used as the compatibility oracle.
enum ReferenceServer {
    /// The URL of iipsrv's FastCGI endpoint through nginx, e.g. `http://127.0.0.1:8090/fcgi-bin/iipsrv.fcgi`.
    static let url: URL? = ProcessInfo.processInfo.environment["IIP_REFERENCE_URL"].flatMap(URL.init(string:))

    /// Whether `.ci/test` demands the oracle: then its absence fails the suite instead of skipping it.
    static let required = ProcessInfo.processInfo.environment["IIP_REQUIRE_REFERENCE"] == "1"

    /// Whether differential tests run: when the oracle is configured, or when it is required (and then fail).
    static var enabled: Bool { url != nil || required }

    /// Sends an IIP query to the reference server.
    static func get(_ query: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        guard let url, let host = url.host, let port = url.port else {
            throw ReferenceMissing()
        }
        return try await TestHTTPClient.get(host: host, port: port, "\(url.path)?\(query)", headers: headers)
    }

    struct ReferenceMissing: Error, CustomStringConvertible {
        var description: String {
            "IIP_REFERENCE_URL is not set: run the suite with .ci/test, which starts iipsrv behind nginx"
        }
    }
}
