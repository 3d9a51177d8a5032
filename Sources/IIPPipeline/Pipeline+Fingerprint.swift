extension Pipeline {
    /// Identifies what, besides the file and the request, decides an answer's bytes: this build's version and the
    /// value of every setting but the ``operationalSettings``. Entity tags and memcached keys include it, so a server
    /// with another configuration never confirms a copy made under this one, while instances that differ only in
    /// how they run (their log file, cache sizes, memcached list) agree, behind one load balancer or CDN.
    static func fingerprint(_ configuration: ServerConfiguration) -> String {
        var hash = StableHash()
        hash.combine(IIPServerVersion.current)
        for (name, value) in configuration.summary where !operationalSettings.contains(name) {
            hash.combine(name)
            hash.combine(value)
        }
        return hash.hex
    }

    /// Settings that change how the server runs, never the bytes of an answer: logging, cache and memcached
    /// parameters, concurrency limits, timers, and headers that are not part of the representation (CORS,
    /// CACHE_CONTROL). A setting missing here only costs needless misses; one here wrongly would share stale
    /// answers, so limits that can turn an answer into an error stay out of this list.
    static let operationalSettings: Set<String> = [
        "LOGFILE", "VERBOSITY", "OMP_NUM_THREADS", "MAX_IMAGE_CACHE_SIZE", "MAX_METADATA_CACHE_SIZE",
        "MAX_DECODED_CACHE_SIZE", "MEMORY_TRIM_INTERVAL", "MEMCACHED_SERVERS", "MEMCACHED_TIMEOUT",
        "MEMCACHED_IO_TIMEOUT", "MEMCACHED_RETRY_INTERVAL", "MEMCACHED_MAX_ITEM", "MAX_REQUESTS_IN_FLIGHT",
        "MAX_REQUESTS_QUEUED", "MAX_EXPORTS_IN_FLIGHT", "MAX_EXPORTS_QUEUED", "MAX_HANDLES_PER_IMAGE",
        "FILE_CHECK_INTERVAL", "MAX_FCGI_CONNECTIONS", "MAX_FCGI_REQUESTS_IN_FLIGHT",
        "HTTP_IDLE_TIMEOUT", "REQUEST_READ_TIMEOUT", "WRITE_TIMEOUT", "DECODER_MODULE_CHECK", "CORS", "CACHE_CONTROL",
        "VIEWER",
        "VIEWER_MAX_ENTRIES", "VIEWER_MAX_DEPTH", "METRICS", "ADMIN_ADDRESS", "SERVER_TIMING",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
}
