import Foundation
import Testing

/// The real stores `.ci/remote-services` starts (through `.ci/services`): rclone's S3 server and nginx serving
/// byte ranges, both over the folder IIP_REMOTE_ROOT, each with an access log of one line per request.
public enum RemoteStores {
    /// The environment the test process runs in.
    public static let environment = ProcessInfo.processInfo.environment

    /// Whether the store tests run: when the stores are configured, or when `.ci/test` demands them (and then
    /// their absence fails the tests).
    public static var enabled: Bool {
        environment["IIP_S3_ENDPOINT"] != nil || environment["IIP_REQUIRE_REFERENCE"] == "1"
    }

    /// The stores are not configured while `.ci/test` demands them.
    public struct Missing: Error, CustomStringConvertible {
        /// What to do about it.
        public var description: String {
            "IIP_S3_ENDPOINT is not set: run the suite with .ci/test, which starts the stores"
        }
    }

    /// One of the two stores.
    public enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case s3
        case http
        /// The store's name in test output.
        public var testDescription: String { rawValue }
    }

    /// The value of an environment variable `.ci/remote-services` exports.
    public static func value(_ name: String) throws -> String {
        guard let value = environment[name] else { throw Missing() }
        return value
    }

    /// Copies the local fixture `path` into the stores' folder under a new name and returns that name.
    public static func publish(_ path: String, as name: String) throws -> String {
        let root = try value("IIP_REMOTE_ROOT") + "/images/"
        let target = root + name
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: path, toPath: target)
        return name
    }

    /// The FILESYSTEM_PREFIX of a store.
    public static func prefix(_ kind: Kind) throws -> String {
        switch kind {
        case .s3: "s3://" + (try value("IIP_S3_BUCKET")) + "/"
        case .http: try value("IIP_HTTP_RANGE_URL")
        }
    }

    /// The AWS_ variables that reach rclone's S3 server, with `secret` instead of the right one when given.
    public static func awsEnvironment(secret: String? = nil) throws -> [String: String] {
        [
            "AWS_ACCESS_KEY_ID": try value("IIP_S3_ACCESS_KEY"),
            "AWS_SECRET_ACCESS_KEY": try secret ?? value("IIP_S3_SECRET_KEY"),
            "AWS_REGION": try value("IIP_S3_REGION"),
            "AWS_ENDPOINT_URL": try value("IIP_S3_ENDPOINT"),
            "HOME": "/nonexistent",
        ]
    }

    /// The access log of `kind`'s store.
    public static func log(_ kind: Kind) throws -> String {
        try value(kind == .s3 ? "IIP_S3_LOG" : "IIP_HTTP_RANGE_LOG")
    }

    /// The lines of `kind`'s access log that name `name`, once `count` of them are there or after two seconds
    /// (nginx writes a line once the answer is sent).
    public static func logLines(_ kind: Kind, naming name: String, atLeast count: Int) async throws -> [String] {
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
