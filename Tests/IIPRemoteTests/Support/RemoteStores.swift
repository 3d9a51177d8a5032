import IIPImaging
import IIPRemote
import IIPTestSupport
import Logging
import Testing

extension RemoteStores {
    /// A store reading `kind`, with `configuration`.
    static func store(
        _ kind: Kind, configuration: RemoteStoreConfiguration = RemoteStoreConfiguration(), secret: String? = nil
    ) throws -> RemoteObjectStore {
        let prefix = try #require(try RemotePrefix(try Self.prefix(kind)))
        let aws = kind == .s3 ? try AWSConfiguration.resolve(environment: try awsEnvironment(secret: secret)) : nil
        return RemoteObjectStore(
            prefix: prefix, aws: aws, configuration: configuration, logger: Logger(label: "remote-tests"))
    }
}
