import IIPPipeline
import Testing

/// A test server with the example nginx in front of its FastCGI port: the two frontends a user meets, for tests
/// that send the same requests to both.
extension TestServer {
    /// How a test reaches the server.
    enum Transport: String, CaseIterable, Sendable {
        /// The HTTP frontend.
        case http
        /// nginx (`Config/nginx/iipsrv-async.conf`) in front of the FastCGI frontend.
        case nginx
    }

    /// Runs `body` with a fresh server listening on HTTP and FastCGI and nginx in front of it; stops both
    /// afterwards, also when `body` throws.
    static func withNginx<T>(
        _ configuration: ServerConfiguration = configuration(),
        _ body: (TestServer, NginxFrontend) async throws -> T
    ) async throws -> T {
        try await with(configuration, fastCGI: .tcp(host: "127.0.0.1", port: 0)) { server in
            let nginx = try await NginxFrontend.start(upstream: .tcp(port: try #require(server.fastCGIPort)))
            do {
                let result = try await body(server, nginx)
                await nginx.stop()
                return result
            } catch {
                await nginx.stop()
                throw error
            }
        }
    }

    /// Runs `body` with the HTTP port that reaches a fresh server through `transport`.
    static func with<T>(
        _ transport: Transport, _ configuration: ServerConfiguration = configuration(), _ body: (Int) async throws -> T
    ) async throws -> T {
        switch transport {
        case .http: try await with(configuration) { try await body($0.port) }
        case .nginx: try await withNginx(configuration) { try await body($1.port) }
        }
    }

    /// Expects every target to answer 200 here and the same through `nginx`: the same status and the same bytes,
    /// except info.json, which names the host it was asked through.
    func expectSameAnswers(
        through nginx: NginxFrontend, _ targets: some Sequence<String>,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for target in targets {
            let viaNginx = try await nginx.get(target)
            let direct = try await get(target)
            #expect(direct.status == 200, "\(target): \(direct.text.prefix(200))", sourceLocation: sourceLocation)
            #expect(viaNginx.status == direct.status, "\(target)", sourceLocation: sourceLocation)
            let same = target.hasSuffix("info.json") ? !viaNginx.body.isEmpty : viaNginx.body == direct.body
            #expect(same, "\(target)", sourceLocation: sourceLocation)
        }
    }
}
