import Foundation
import Testing

@testable import IIPRemote

/// Resolves with the given environment and in-memory files (path to text), `HOME=/home/u` unless overridden.
private func resolve(
    _ environment: [String: String] = [:],
    files: [String: String] = [:]
) throws(AWSConfigurationError) -> AWSConfiguration {
    try AWSConfiguration.resolve(
        environment: ["HOME": "/home/u"].merging(environment) { _, new in new },
        readFile: { (path: String) throws(AWSConfigurationError) -> String? in files[path] }
    )
}

private func expectError(
    _ expected: AWSConfigurationError,
    _ body: () throws(AWSConfigurationError) -> AWSConfiguration,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let configuration = try body()
        Issue.record("expected \(expected), got \(configuration)", sourceLocation: sourceLocation)
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}

private let credentialsPath = "/home/u/.aws/credentials"
private let configPath = "/home/u/.aws/config"

private let credentialsFile = """
    # shared credentials
    [default]
    aws_access_key_id = AKIDDEFAULT
    aws_secret_access_key = secret/default+key

    [work]
    AWS_ACCESS_KEY_ID=AKIDWORK
    aws_secret_access_key   =   secret-work
    ; temporary
    aws_session_token = token-work
    """

private let configFile = """
    [default]
    region = eu-west-1

    [profile work]
    region = ap-southeast-2
    endpoint_url = http://127.0.0.1:9000

    [profile keys]
    aws_access_key_id = AKIDCONFIG
    aws_secret_access_key = secret-config
    region = ca-central-1

    [other]
    region = sa-east-1
    """

private let bothFiles = [credentialsPath: credentialsFile, configPath: configFile]

@Suite("AWSConfiguration: credentials")
struct AWSConfigurationCredentialsTests {
    @Test("nothing set: anonymous, us-east-1, AWS's endpoint")
    func nothing() throws {
        let configuration = try resolve()
        #expect(configuration.access == .anonymous)
        #expect(configuration.credentialsSource == nil)
        #expect(configuration.region == "us-east-1")
        #expect(configuration.endpoint == nil)
        #expect(configuration.profile == "default")
    }

    @Test("environment keys win over the files")
    func environmentFirst() throws {
        let configuration = try resolve(
            ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_SESSION_TOKEN": "token-env"],
            files: bothFiles
        )
        #expect(
            configuration.access
                == .signed(
                    AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "secret-env", sessionToken: "token-env"))
        )
        #expect(configuration.credentialsSource == "environment")
    }

    @Test("AWS_SECURITY_TOKEN is the older name of the session token")
    func securityToken() throws {
        let configuration = try resolve([
            "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env", "AWS_SECURITY_TOKEN": "old",
        ])
        #expect(configuration.access.credentials?.sessionToken == "old")
    }

    @Test("an access key id without its secret is an error, not anonymous")
    func partialEnvironment() {
        expectError(.incompleteCredentials(source: "environment", missing: "AWS_SECRET_ACCESS_KEY")) {
            () throws(AWSConfigurationError) in try resolve(["AWS_ACCESS_KEY_ID": "AKIDENV"], files: bothFiles)
        }
    }

    @Test("empty variables count as unset")
    func emptyVariables() throws {
        let configuration = try resolve(
            ["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_PROFILE": "", "AWS_REGION": ""],
            files: bothFiles
        )
        #expect(configuration.access.credentials?.accessKeyID == "AKIDDEFAULT")
        #expect(configuration.region == "eu-west-1")
    }

    @Test("default profile of ~/.aws/credentials")
    func defaultProfile() throws {
        let configuration = try resolve(files: bothFiles)
        #expect(
            configuration.access
                == .signed(AWSCredentials(accessKeyID: "AKIDDEFAULT", secretAccessKey: "secret/default+key"))
        )
        #expect(configuration.credentialsSource == "/home/u/.aws/credentials [default]")
    }

    @Test("AWS_PROFILE picks the section; key names are case-insensitive")
    func namedProfile() throws {
        let configuration = try resolve(["AWS_PROFILE": "work"], files: bothFiles)
        #expect(
            configuration.access
                == .signed(
                    AWSCredentials(accessKeyID: "AKIDWORK", secretAccessKey: "secret-work", sessionToken: "token-work"))
        )
        #expect(configuration.profile == "work")
    }

    @Test("keys in the config file's [profile NAME] when the credentials file has none")
    func configFileKeys() throws {
        let configuration = try resolve(["AWS_PROFILE": "keys"], files: bothFiles)
        #expect(configuration.access.credentials?.accessKeyID == "AKIDCONFIG")
        #expect(configuration.credentialsSource == "/home/u/.aws/config [profile keys]")
        #expect(configuration.region == "ca-central-1")
    }

    @Test("AWS_PROFILE naming a profile no file has is an error")
    func missingProfile() {
        expectError(.profileNotFound("nope")) { () throws(AWSConfigurationError) in
            try resolve(["AWS_PROFILE": "nope"], files: bothFiles)
        }
    }

    @Test("a config section without 'profile ' is not that profile")
    func configSectionNeedsProfilePrefix() {
        expectError(.profileNotFound("other")) { () throws(AWSConfigurationError) in
            try resolve(["AWS_PROFILE": "other"], files: [configPath: configFile])
        }
    }

    @Test("an access key id without its secret in a file is an error")
    func partialFile() {
        expectError(
            .incompleteCredentials(source: "/home/u/.aws/credentials [default]", missing: "aws_secret_access_key")
        ) {
            () throws(AWSConfigurationError) in
            try resolve(files: [credentialsPath: "[default]\naws_access_key_id = AKID\n"])
        }
    }

    @Test("AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE replace the default paths; ~ is HOME")
    func filePathVariables() throws {
        let configuration = try resolve(
            [
                "HOME": "/srv", "AWS_SHARED_CREDENTIALS_FILE": "~/creds", "AWS_CONFIG_FILE": "/etc/aws-config",
            ],
            files: [
                "/srv/creds": "[default]\naws_access_key_id=AKIDSRV\naws_secret_access_key=s\n",
                "/etc/aws-config": "[default]\nregion=us-west-2\n",
            ] + bothFiles
        )
        #expect(configuration.access.credentials?.accessKeyID == "AKIDSRV")
        #expect(configuration.region == "us-west-2")
    }

    @Test("no HOME: the default files are not read")
    func noHome() throws {
        let configuration = try AWSConfiguration.resolve(
            environment: [:],
            readFile: { (path: String) throws(AWSConfigurationError) -> String? in bothFiles[path] }
        )
        #expect(configuration.access == .anonymous)
    }

    @Test("unsupported credential sources are errors when no keys are set")
    func unsupportedSources() throws {
        expectError(.unsupportedCredentialSource("AWS_WEB_IDENTITY_TOKEN_FILE")) { () throws(AWSConfigurationError) in
            try resolve(["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"])
        }
        expectError(.unsupportedCredentialSource("role_arn in profile default")) { () throws(AWSConfigurationError) in
            try resolve(files: [configPath: "[default]\nrole_arn = arn:aws:iam::123:role/r\n"])
        }
        // With keys, they are only not needed.
        let configuration = try resolve(
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"]
        )
        #expect(configuration.access.credentials?.accessKeyID == "A")
    }
}

@Suite("AWSConfiguration: region and endpoint")
struct AWSConfigurationRegionEndpointTests {
    @Test("region: AWS_REGION, then AWS_DEFAULT_REGION, then the config file, then us-east-1")
    func regionPrecedence() throws {
        #expect(try resolve(["AWS_REGION": "r1", "AWS_DEFAULT_REGION": "r2"], files: bothFiles).region == "r1")
        #expect(try resolve(["AWS_DEFAULT_REGION": "r2"], files: bothFiles).region == "r2")
        #expect(try resolve(files: bothFiles).region == "eu-west-1")
        #expect(try resolve(["AWS_PROFILE": "work"], files: bothFiles).region == "ap-southeast-2")
        #expect(try resolve(files: [credentialsPath: credentialsFile]).region == "us-east-1")
    }

    @Test("[profile default] in the config file counts as the default profile")
    func profileDefault() throws {
        #expect(try resolve(files: [configPath: "[profile default]\nregion = eu-north-1\n"]).region == "eu-north-1")
    }

    @Test("endpoint: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then the profile's endpoint_url")
    func endpointPrecedence() throws {
        let s3 = try resolve(
            ["AWS_ENDPOINT_URL_S3": "http://s3.local:9000", "AWS_ENDPOINT_URL": "http://all.local"],
            files: bothFiles
        )
        #expect(s3.endpoint == AWSEndpoint(scheme: "http", host: "s3.local", port: 9000))
        let general = try resolve(["AWS_ENDPOINT_URL": "https://all.local/"], files: bothFiles)
        #expect(general.endpoint == AWSEndpoint(scheme: "https", host: "all.local"))
        let profile = try resolve(["AWS_PROFILE": "work"], files: bothFiles)
        #expect(profile.endpoint?.hostHeader == "127.0.0.1:9000")
        let ignored = try resolve(
            ["AWS_PROFILE": "work", "AWS_ENDPOINT_URL": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
            files: bothFiles
        )
        #expect(ignored.endpoint == nil)
    }

    @Test("an invalid endpoint is an error naming its setting")
    func invalidEndpoint() {
        expectError(.invalidEndpoint("AWS_ENDPOINT_URL", reason: "the URL must start with http:// or https://")) {
            () throws(AWSConfigurationError) in try resolve(["AWS_ENDPOINT_URL": "127.0.0.1:9000"])
        }
    }
}

@Suite("AWSEndpoint")
struct AWSEndpointTests {
    @Test(
        "valid URLs",
        arguments: [
            ("http://127.0.0.1:9000", "http", "127.0.0.1", 9000, "127.0.0.1:9000"),
            ("HTTPS://S3.example.com/", "https", "S3.example.com", nil, "S3.example.com"),
            ("https://s3.example.com:443", "https", "s3.example.com", 443, "s3.example.com"),
            ("http://minio:80", "http", "minio", 80, "minio"),
            ("http://[::1]:9000", "http", "::1", 9000, "[::1]:9000"),
            ("http://[::1]", "http", "::1", nil, "[::1]"),
        ] as [(String, String, String, Int?, String)]
    )
    func valid(url: String, scheme: String, host: String, port: Int?, hostHeader: String) throws {
        let endpoint = try AWSEndpoint(parsing: url, source: "test")
        #expect(endpoint.scheme == scheme)
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
        #expect(endpoint.hostHeader == hostHeader)
    }

    @Test(
        "invalid URLs are refused without echoing them",
        arguments: [
            "ftp://host", "host:9000", "http://", "http://user:pa55word@host", "http://host/bucket", "http://host?x",
            "http://host:0", "http://host:99999", "http://host:9x", "http://[::1", "http://[::1]x",
        ]
    )
    func invalid(url: String) {
        do {
            _ = try AWSEndpoint(parsing: url, source: "AWS_ENDPOINT_URL")
            Issue.record("accepted \(url)")
        } catch {
            #expect(!error.description.contains("pa55word"))
            #expect(error.description.contains("AWS_ENDPOINT_URL"))
        }
    }
}

@Suite("AWSConfiguration: files on disk")
struct AWSConfigurationDiskTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aws-config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("reads ~/.aws/credentials and ~/.aws/config from HOME")
    func realFiles() throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let aws = home.appendingPathComponent(".aws")
        try FileManager.default.createDirectory(at: aws, withIntermediateDirectories: true)
        try Data(credentialsFile.utf8).write(to: aws.appendingPathComponent("credentials"))
        try Data(configFile.utf8).write(to: aws.appendingPathComponent("config"))

        let configuration = try AWSConfiguration.resolve(environment: ["HOME": home.path, "AWS_PROFILE": "work"])
        #expect(configuration.access.credentials?.accessKeyID == "AKIDWORK")
        #expect(configuration.region == "ap-southeast-2")
        #expect(configuration.credentialsSource == home.path + "/.aws/credentials [work]")
    }

    @Test("a missing file is no file; a directory or an oversized file is an error")
    func readErrors() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try AWSConfiguration.readFileFromDisk(directory.appendingPathComponent("none").path) == nil)

        let big = directory.appendingPathComponent("big")
        try Data(repeating: UInt8(ascii: "#"), count: AWSConfiguration.maximumFileSize + 1).write(to: big)
        #expect(throws: AWSConfigurationError.fileTooLarge(big.path)) {
            try AWSConfiguration.readFileFromDisk(big.path)
        }
        #expect(throws: AWSConfigurationError.unreadableFile(directory.path)) {
            try AWSConfiguration.readFileFromDisk(directory.path)
        }
    }
}

extension Dictionary where Key == String, Value == String {
    fileprivate static func + (lhs: Self, rhs: Self) -> Self { lhs.merging(rhs) { old, _ in old } }
}
