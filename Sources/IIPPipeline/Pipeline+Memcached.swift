import Logging

extension Pipeline {
    /// The memcached tile cache for MEMCACHED_SERVERS, or `nil` when it names none.
    static func sharedTileCache(_ configuration: ServerConfiguration, logger: Logger) -> SharedTileCache? {
        guard
            let client = MemcachedClient(
                servers: configuration.memcachedServers, expiry: configuration.memcachedTimeout,
                timeoutMilliseconds: configuration.memcachedIOTimeout, clients: configuration.codecThreads)
        else {
            if !configuration.memcachedServers.isEmpty {
                logger.warning(
                    "memcached: no usable server in MEMCACHED_SERVERS; the shared cache is off",
                    metadata: ["servers": "\(configuration.memcachedServers)"])
            }
            return nil
        }
        logger.info(
            "memcached shared tile cache",
            metadata: [
                "servers": "\(client.servers.joined(separator: ","))",
                "expiry": "\(configuration.memcachedTimeout)", "timeout_ms": "\(configuration.memcachedIOTimeout)",
            ])
        return SharedTileCache(
            client: client, threads: configuration.codecThreads, fingerprint: fingerprint(configuration),
            timeout: .milliseconds(configuration.memcachedIOTimeout),
            retryInterval: .seconds(configuration.memcachedRetryInterval), maxItemBytes: configuration.memcachedMaxItem,
            logger: logger)
    }
}
