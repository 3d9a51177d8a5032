import Foundation

/// The AWS settings that reading from S3 needs, resolved the way AWS tools resolve them.
///
/// - Credentials: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (or the older
///   `AWS_SECURITY_TOKEN`); else the profile's `aws_access_key_id`, `aws_secret_access_key` and
///   `aws_session_token` in the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
///   `~/.aws/credentials`), else in the config file; else anonymous.
/// - Profile: `AWS_PROFILE`, default `default`.
/// - Region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region` in the config file
///   (`AWS_CONFIG_FILE`, default `~/.aws/config`, profile `[default]` or `[profile NAME]`), else `us-east-1`.
/// - Endpoint: `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, then the profile's `endpoint_url` in the config
///   file; none means AWS's own. `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` ignores all three.
///
/// Empty variables and values count as unset. `~` in a file path is the environment's `HOME`.
/// Role assumption, SSO, `credential_process`, web identity and container or instance credentials are not
/// supported: a setting that asks for one, with no access keys beside it, is an error rather than a silent
/// fall back to anonymous access.
package struct AWSConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// Reads a file's text, or returns `nil` when there is no file at the path.
    package typealias FileReader = @Sendable (_ path: String) throws(AWSConfigurationError) -> String?

    /// The largest credentials or config file read, in bytes.
    package static let maximumFileSize = 1 << 20

    /// The region used when none is set.
    package static let defaultRegion = "us-east-1"

    /// Signed with credentials, or anonymous.
    package let access: AWSAccess
    /// Where the credentials came from, such as `environment` or `/home/me/.aws/credentials [default]`; `nil`
    /// when anonymous.
    package let credentialsSource: String?
    /// The profile read from the shared files.
    package let profile: String
    /// The region to sign for.
    package let region: String
    /// The custom endpoint, or `nil` for AWS's own.
    package let endpoint: AWSEndpoint?

    /// Settings from their parts.
    package init(
        access: AWSAccess,
        credentialsSource: String? = nil,
        profile: String = "default",
        region: String = AWSConfiguration.defaultRegion,
        endpoint: AWSEndpoint? = nil
    ) {
        self.access = access
        self.credentialsSource = credentialsSource
        self.profile = profile
        self.region = region
        self.endpoint = endpoint
    }

    /// The settings, with any secret redacted.
    package var description: String {
        "AWSConfiguration(access: \(access), credentialsSource: \(credentialsSource ?? "none"), profile: \(profile), "
            + "region: \(region), endpoint: \(endpoint.map(String.init(describing:)) ?? "default"))"
    }

    /// Resolves the settings from an environment and the shared files it points to.
    ///
    /// `AWS_PROFILE` naming a profile that neither file has is an error, even when the environment holds keys.
    /// - Parameters:
    ///   - environment: the environment variables, such as `ProcessInfo.processInfo.environment`.
    ///   - readFile: reads the credentials and config files; by default from disk.
    /// - Throws: ``AWSConfigurationError`` for incomplete credentials, a missing named profile, an unsupported
    ///   credential source, an invalid endpoint or an unreadable file.
    package static func resolve(
        environment: [String: String],
        readFile: FileReader = AWSConfiguration.readFileFromDisk
    ) throws(AWSConfigurationError) -> AWSConfiguration {
        let resolver = try Resolver(environment: environment, readFile: readFile)
        let (access, source) = try resolver.access()
        return AWSConfiguration(
            access: access,
            credentialsSource: source,
            profile: resolver.profile,
            region: resolver.region(),
            endpoint: try resolver.endpoint()
        )
    }

    /// Reads a file as UTF-8 text: `nil` when nothing is at `path`, an error when it cannot be read or is larger
    /// than ``maximumFileSize``.
    package static let readFileFromDisk: FileReader = { path throws(AWSConfigurationError) in
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadableFile(path) }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw .unreadableFile(path)
        }
        guard data.count <= maximumFileSize else { throw .fileTooLarge(path) }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The environment and the selected profile's sections of the two shared files, and the precedence rules.
private struct Resolver {
    let environment: [String: String]
    let profile: String
    /// The credentials file's path and its `[profile]` section, if the file exists.
    let credentials: (path: String, section: [String: String]?)?
    /// The config file's path and its `[profile profile]` section, if the file exists.
    let config: (path: String, section: [String: String]?)?

    init(environment: [String: String], readFile: AWSConfiguration.FileReader) throws(AWSConfigurationError) {
        self.environment = environment
        let explicitProfile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        let profile = explicitProfile ?? "default"
        self.profile = profile

        func load(_ variable: String, default defaultPath: String) throws(AWSConfigurationError) -> (
            path: String, file: AWSProfileFile
        )? {
            var path = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
            if path == "~" || path.hasPrefix("~/") {
                guard let home = environment["HOME"], !home.isEmpty else { return nil }
                path = home + path.dropFirst()
            }
            guard let text = try readFile(path) else { return nil }
            return (path, AWSProfileFile(parsing: text))
        }
        credentials = try load("AWS_SHARED_CREDENTIALS_FILE", default: "~/.aws/credentials").map {
            ($0.path, $0.file.credentialsProfile(profile))
        }
        config = try load("AWS_CONFIG_FILE", default: "~/.aws/config").map {
            ($0.path, $0.file.configProfile(profile))
        }
        if let explicitProfile, credentials?.section == nil, config?.section == nil {
            throw .profileNotFound(explicitProfile)
        }
    }

    /// An environment variable, `nil` when unset or empty.
    func variable(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A key of the profile's section in the config file, `nil` when unset or empty.
    func configSetting(_ key: String) -> String? {
        guard let value = config?.section?[key], !value.isEmpty else { return nil }
        return value
    }

    /// Environment keys, else the credentials file's, else the config file's, else anonymous.
    func access() throws(AWSConfigurationError) -> (AWSAccess, source: String?) {
        if let accessKeyID = variable("AWS_ACCESS_KEY_ID") {
            guard let secret = variable("AWS_SECRET_ACCESS_KEY") else {
                throw .incompleteCredentials(source: "environment", missing: "AWS_SECRET_ACCESS_KEY")
            }
            let token = variable("AWS_SESSION_TOKEN") ?? variable("AWS_SECURITY_TOKEN")
            let credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
            return (.signed(credentials), "environment")
        }

        let configSectionName = profile == "default" ? "default" : "profile \(profile)"
        let files = [
            credentials.map { ("\($0.path) [\(profile)]", $0.section ?? [:]) },
            config.map { ("\($0.path) [\(configSectionName)]", $0.section ?? [:]) },
        ]
        for case (let name, let section)? in files {
            func value(_ key: String) -> String? { section[key].flatMap { $0.isEmpty ? nil : $0 } }
            guard let accessKeyID = value("aws_access_key_id") else { continue }
            guard let secret = value("aws_secret_access_key") else {
                throw .incompleteCredentials(source: name, missing: "aws_secret_access_key")
            }
            let token = value("aws_session_token") ?? value("aws_security_token")
            let credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
            return (.signed(credentials), name)
        }

        // No keys anywhere: refuse credential sources this code cannot use rather than go anonymous silently.
        let variables = [
            "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        ]
        if let name = variables.first(where: { variable($0) != nil }) {
            throw .unsupportedCredentialSource(name)
        }
        let keys = ["role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"]
        for key in keys where credentials?.section?[key] != nil || config?.section?[key] != nil {
            throw .unsupportedCredentialSource("\(key) in profile \(profile)")
        }
        return (.anonymous, nil)
    }

    /// `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the config file's `region`, else the default.
    func region() -> String {
        variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? configSetting("region")
            ?? AWSConfiguration.defaultRegion
    }

    /// `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`, then the config file's `endpoint_url`, else none.
    func endpoint() throws(AWSConfigurationError) -> AWSEndpoint? {
        if variable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() == "true" { return nil }
        let candidates = [
            ("AWS_ENDPOINT_URL_S3", variable("AWS_ENDPOINT_URL_S3")),
            ("AWS_ENDPOINT_URL", variable("AWS_ENDPOINT_URL")),
            ("endpoint_url in profile \(profile)", configSetting("endpoint_url")),
        ]
        for case (let source, let url?) in candidates {
            return try AWSEndpoint(parsing: url, source: source)
        }
        return nil
    }
}
