import IIPPipeline
import IIPRemote
import Logging

/// Builds the store that FILESYSTEM_PREFIX names when it is a URL, for the pipeline to read images from.
///
/// It is built here, at the top, and handed to the pipeline as `RemoteObjects`: the pipeline, and every test that
/// builds one, then needs no HTTP client, TLS or signing code.
enum RemoteStoreSetup {
    /// The remote store FILESYSTEM_PREFIX names, or `nil` for a local folder. A URL this server cannot read from,
    /// or AWS settings that cannot be resolved, are logged as errors, and no image is served then.
    static func remoteStore(_ configuration: ServerConfiguration, logger: Logger) -> RemoteObjectStore? {
        let prefix: RemotePrefix
        do {
            guard let parsed = try RemotePrefix(configuration.filesystemPrefix) else { return nil }
            prefix = parsed
        } catch {
            logger.error("remote store not usable", metadata: ["error": "\(error)"])
            return nil
        }
        var aws: AWSConfiguration?
        if case .s3 = prefix.kind {
            do {
                aws = try AWSConfiguration.resolve(environment: configuration.awsEnvironment)
            } catch {
                logger.error("remote store not usable", metadata: ["error": "\(error)"])
                return nil
            }
        }
        var settings = RemoteStoreConfiguration()
        settings.blockSize = configuration.remoteBlockSize << 10
        settings.cacheBytes = configuration.remoteCacheSize << 20
        settings.readAhead = configuration.remoteReadAhead << 10
        settings.timeout = .milliseconds(Int64(configuration.remoteTimeout * 1000))
        settings.retries = configuration.remoteRetries
        settings.connectionsPerHost = configuration.remoteConnections
        settings.addressing = RemoteStoreConfiguration.Addressing(rawValue: configuration.s3Addressing) ?? .automatic
        logger.info(
            "images from a remote store",
            metadata: ["prefix": "\(prefix)", "access": "\(aws.map { "\($0)" } ?? "http")"])
        return RemoteObjectStore(prefix: prefix, aws: aws, configuration: settings, logger: logger)
    }
}
