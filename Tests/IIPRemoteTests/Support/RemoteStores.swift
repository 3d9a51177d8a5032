import Foundation
import IIPImaging
import IIPRemote
import IIPTestSupport
import Logging
import Testing

/// The real stores `.ci/remote-services` starts (through `.ci/services`): rclone's S3 server and nginx serving
/// byte ranges, both over the folder IIP_REMOTE_ROOT, each with an access log of one line per request.
enum RemoteStores {
    static let environment = ProcessInfo.processInfo.environment

    /// Whether the store tests run: when the stores are configured, or when `.ci/test` demands them (and then
    /// their absence fails the tests).
    static var enabled: Bool { environment["IIP_S3_ENDPOINT"] != nil || environment["IIP_REQUIRE_REFERENCE"] == "1" }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "IIP_S3_ENDPOINT is not set: run the suite with .ci/test, which starts the stores" }
    }

    /// One of the two stores.
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case s3
        case http
        var testDescription: String { rawValue }
    }

    static func value(_ name: String) throws -> String {
        guard let value = environment[name] else { throw Missing() }
        return value
    }

    /// Copies the local fixture `path` into the stores' folder under a new name and returns that name.
    static func publish(_ path: String, as name: String) throws -> String {
        let root = try value("IIP_REMOTE_ROOT") + "/images/"
        let target = root + name
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: path, toPath: target)
        return name
    }

    /// The FILESYSTEM_PREFIX of a store.
    static func prefix(_ kind: Kind) throws -> String {
        switch kind {
        case .s3: "s3://" + (try value("IIP_S3_BUCKET")) + "/"
        case .http: try value("IIP_HTTP_RANGE_URL")
        }
    }

    /// The AWS_ variables that reach rclone's S3 server, with `secret` instead of the right one when given.
    static func awsEnvironment(secret: String? = nil) throws -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": try value("IIP_S3_ACCESS_KEY"),
            "AWS_SECRET_ACCESS_KEY": try secret ?? value("IIP_S3_SECRET_KEY"),
            "AWS_REGION": try value("IIP_S3_REGION"),
            "AWS_ENDPOINT_URL": try value("IIP_S3_ENDPOINT"),
            "HOME": "/nonexistent",
        ]
    }

    /// A store reading `kind`, with `configuration`.
    static func store(
        _ kind: Kind, configuration: RemoteStoreConfiguration = RemoteStoreConfiguration(), secret: String? = nil
    ) throws -> RemoteObjectStore {
        let prefix = try #require(try RemotePrefix(try Self.prefix(kind)))
        let aws = kind == .s3 ? try AWSConfiguration.resolve(environment: try awsEnvironment(secret: secret)) : nil
        return RemoteObjectStore(
            prefix: prefix, aws: aws, configuration: configuration, logger: Logger(label: "remote-tests"))
    }

    /// The access log of `kind`'s store.
    static func log(_ kind: Kind) throws -> String {
        try value(kind == .s3 ? "IIP_S3_LOG" : "IIP_HTTP_RANGE_LOG")
    }

    /// The lines of `kind`'s access log that name `name`, once `count` of them are there or after two seconds
    /// (nginx writes a line once the answer is sent).
    static func logLines(_ kind: Kind, naming name: String, atLeast count: Int) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<40 {
            let text = (try? String(contentsOfFile: try log(kind), encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n").map(String.init).filter { $0.contains("/" + name + " ") }
            if lines.count >= count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return lines
    }
}
