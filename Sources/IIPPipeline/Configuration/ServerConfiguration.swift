/// Every setting of the server, read from iipsrv's environment variables with iipsrv's names, defaults and
/// clamping (iipsrv-reference §9), plus a few of this server's own, marked as such.
public struct ServerConfiguration: Sendable {
    // MARK: iipsrv's variables

    /// LOGFILE: a path, `syslog`, or (this server only) `stderr` / `-`. Default `/tmp/iipsrv.log`.
    public var logFile = "/tmp/iipsrv.log"
    /// VERBOSITY: 0 silent ... 6 very detailed. Default 1; negative counts as 0.
    public var verbosity = 1
    /// MAX_IMAGE_CACHE_SIZE in iipsrv's megabytes (1 MB = 1,024,000 bytes). Default 10; 0 disables the tile cache.
    public var maxImageCacheSize = 10.0
    /// MAX_METADATA_CACHE_SIZE: open images kept. Default 1000; 0 disables; -1 unlimited.
    public var maxMetadataCacheSize = 1000
    /// FILESYSTEM_PREFIX, prepended to every image path.
    public var filesystemPrefix = ""
    /// FILESYSTEM_SUFFIX, appended to every image path (not to sequences).
    public var filesystemSuffix = ""
    /// FILENAME_PATTERN for image sequences. Default `_pyr_`.
    public var filenamePattern = "_pyr_"
    /// JPEG_QUALITY, 1-100. Default 75.
    public var jpegQuality = 75
    /// PNG_QUALITY (zlib level), 0-9. Default 1.
    public var pngQuality = 1
    /// WEBP_QUALITY, -1 (lossless) to 100. Default 50.
    public var webpQuality = 50
    /// AVIF_QUALITY, -1 (lossless) to 100. Default 50.
    public var avifQuality = 50
    /// AVIF_CODEC: 0 auto, 1 aom, 2 rav1e, 3 svt. Default 0.
    public var avifCodec = 0
    /// TIFF_COMPRESSION: 0 none, 1 LZW, 2 Deflate (default), 3 JPEG, 4 WebP.
    public var tiffCompression = 2
    /// TIFF_QUALITY, 0-100. Default 1.
    public var tiffQuality = 1
    /// MAX_CVT: the largest output width or height of exports; `nil` means no limit (MAX_CVT=-1). Default 5000.
    public var maxCVT: Int? = 5000
    /// ALLOW_UPSCALING. Default on.
    public var allowUpscaling = true
    /// MAX_LAYERS for JPEG2000: 0 half the layers, -1 all.
    public var maxLayers = 0
    /// WATERMARK: a TIFF to blend into tiles and exports.
    public var watermark = ""
    /// WATERMARK_PROBABILITY, 0-1. Default 1.
    public var watermarkProbability = 1.0
    /// WATERMARK_OPACITY, 0-1. Default 1.
    public var watermarkOpacity = 1.0
    /// MEMCACHED_SERVERS: comma-separated `host[:port]`. Default `localhost`.
    public var memcachedServers = "localhost"
    /// MEMCACHED_TIMEOUT in seconds. Default 86400.
    public var memcachedTimeout = 86400
    /// MEMCACHED_IO_TIMEOUT: milliseconds a memcached call may wait.
    public var memcachedIOTimeout = 50
    /// MEMCACHED_RETRY_INTERVAL: seconds a failed server is left out.
    public var memcachedRetryInterval = 5
    /// MEMCACHED_MAX_ITEM: the largest value sent to memcached, in bytes.
    public var memcachedMaxItem = 1_047_552
    /// INTERPOLATION: 0 nearest neighbour, 1 bilinear (default).
    public var interpolation = 1
    /// CORS: the Access-Control-Allow-Origin value; empty disables CORS headers.
    public var cors = ""
    /// BASE_URL for IIIF ids and redirects.
    public var baseURL = ""
    /// URI_MAP: `prefix=>protocol`.
    public var uriMap = ""
    /// CACHE_CONTROL header value. Default `max-age=86400`.
    public var cacheControl = "max-age=86400"
    /// MAX_ICC: the largest ICC profile embedded in output, in bytes; -1 always, 0 never. Default 65536.
    public var maxICC = 65536
    /// EMBED_ICC (iipsrv 1.1's name): 0 never embeds ICC profiles, whatever MAX_ICC says. Default on.
    public var embedICC = true
    /// CODEC_PASSTHROUGH: send stored JPEG tiles without re-encoding when nothing changes them. Default on.
    public var codecPassthrough = true
    /// KAKADU_READMODE (accepted for compatibility; this server decodes JPEG2000 with OpenJPEG).
    public var kakaduReadMode = 0
    /// IIIF_VERSION: the default IIIF Image API version. Default 3.
    public var iiifVersion = 3
    /// IIIF_DELIMITER: separates a page index from an identifier.
    public var iiifDelimiter = ""
    /// IIIF_EXTRA_INFO: raw `"key": value` text added to info.json.
    public var iiifExtraInfo = ""
    /// IIIF_EXTENSIONS: adds the non-standard qualities stretch, negative, equalization and log.
    public var iiifExtensions = false
    /// IIIF_PREFERRED_FORMATS: IIIF format names for 3.0 `preferredFormats`, most preferred first.
    public var iiifPreferredFormats: [String] = []
    /// COPYRIGHT: default rights statement.
    public var copyright = ""
    /// DECODER_MODULES: comma-separated shared objects with extra image decoders.
    public var decoderModules = ""
    /// DECODER_MODULES as a list: split at commas, blanks around each path removed, empty entries dropped.
    public var decoderModulePaths: [String] {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return decoderModules.split(separator: ",").compactMap { part in
            guard let first = part.firstIndex(where: { !blank($0) }), let last = part.lastIndex(where: { !blank($0) })
            else { return nil }
            return String(part[first...last])
        }
    }
    /// OMP_NUM_THREADS: threads for decoding and encoding. Default: the number of cores.
    public var codecThreads: Int

    // MARK: This server's own

    /// JXL_QUALITY, -1 (lossless) to 100, on cjxl's quality scale. Default 75.
    public var jxlQuality = 75
    /// MAX_REQUESTS_IN_FLIGHT: requests processed at once; more wait. Default 256.
    public var maxRequestsInFlight = 256
    /// MAX_REQUESTS_QUEUED: requests allowed to wait; past it the answer is 503 at once. Default 1024.
    public var maxRequestsQueued = 1024
    /// MAX_HANDLES_PER_IMAGE: open handles one image may hold, one decode each. Default: codec threads.
    public var maxHandlesPerImage: Int
    /// FILE_CHECK_INTERVAL: seconds between checks of an open image's modification time. Default 1; 0 checks
    /// on every request as iipsrv does.
    public var fileCheckInterval = 1.0
    /// MAX_QUERY_LENGTH: the longest request string accepted, in bytes. Default 16384.
    public var maxQueryLength = 16384
    /// HTTP_IDLE_TIMEOUT: seconds before an idle HTTP connection is closed. Default 60.
    public var httpIdleTimeout = 60.0
    /// REQUEST_READ_TIMEOUT: seconds a client may take to send one request, head and body, on either frontend
    /// (and a new connection its first request); slower connections are closed. Default 30.
    public var requestReadTimeout = 30.0
    /// WRITE_TIMEOUT: seconds an answer may stay stalled on a client that does not read it; then the connection is
    /// closed. Default 30.
    public var writeTimeout = 30.0
    /// MAX_FCGI_CONNECTIONS: FastCGI connections served at once; connections past it are closed at once (logged).
    /// Default 4096: nginx holds one connection per request in flight plus its kept-alive ones, per worker.
    public var maxFastCGIConnections = 4096
    /// MAX_FCGI_REQUESTS_IN_FLIGHT: FastCGI requests worked on at once; a request arriving past it waits, as read
    /// and without a task, until one is answered (at most MAX_REQUESTS_QUEUED wait so). 0: no such bound. Default
    /// (nil): 16 per codec thread (``fastCGIRequestBound``).
    public var maxFastCGIRequestsInFlight: Int?
    /// FastCGI requests worked on at once: MAX_FCGI_REQUESTS_IN_FLIGHT, or 16 per codec thread; 0 for no bound.
    /// With a thousand nginx connections, starting every request at once left a long tail of latency that 32 at a
    /// time on 2 cores shortened (the README's "Many connections").
    public var fastCGIRequestBound: Int { maxFastCGIRequestsInFlight ?? 16 * max(codecThreads, 1) }
    /// ALLOW_SYMLINKS_OUTSIDE_PREFIX: whether symbolic links under FILESYSTEM_PREFIX may lead outside it. Default
    /// false: such a link answers 404, and nothing outside the prefix is looked at.
    public var allowSymlinksOutsidePrefix = false
    /// MAX_DECODED_CACHE_SIZE: decoded tiles kept for region exports, in iipsrv's megabytes (1,024,000 bytes).
    /// Default 32; 0 disables it.
    public var maxDecodedCacheSize = 32.0
    /// MAX_EXPORTS_IN_FLIGHT: region exports decoded at once (each holds its pixels until encoded). Default: codec
    /// threads.
    public var maxExportsInFlight: Int
    /// MAX_EXPORTS_QUEUED: region exports allowed to wait for a slot; past it the answer is 503 at once. Default
    /// (nil): ``maxRequestsQueued``.
    public var maxExportsQueued: Int?
    /// The region exports allowed to wait: MAX_EXPORTS_QUEUED, or as many as requests may wait (MAX_REQUESTS_QUEUED).
    /// An export gives up its request slot while it waits and runs (``Admission/Ticket/stepAside()``), so waiting
    /// exports take no slot from tiles, and a thousand viewers asking for exports at once all wait rather than being
    /// refused.
    public var exportQueueBound: Int { maxExportsQueued ?? maxRequestsQueued }
    /// MAX_EXPORT_PIXELS: the most source pixels one export may decode, and the most pixels it may write; larger
    /// regions or outputs answer 400. Default 100,000,000 (a 10,000 x 10,000 region).
    public var maxExportPixels = 100_000_000
    /// MAX_IMAGE_SIDE: the largest width or height an image file may claim; larger files are refused (404) before
    /// anything is allocated for them. Default 4,194,304 (2^22).
    public var maxImageSide = 1 << 22
    /// MAX_TILE_BYTES: the largest decoded tile a file may declare, and the largest area decoded for one tile of a
    /// virtual level (JPEG 2000, JPEG), in bytes. Default 268,435,456 (256 MiB).
    public var maxTileBytes = 256 << 20
    /// MAX_JPEG2000_TILES: the most tiles a JPEG 2000 codestream may declare (OpenJPEG copies coding parameters
    /// for each one on every decode). Default 16,384.
    public var maxJPEG2000Tiles = 16384
    /// REMOTE_BLOCK_SIZE: the blocks a remote store's objects are fetched and cached in, in KiB. Default 64.
    public var remoteBlockSize = 64
    /// REMOTE_CACHE_SIZE: the memory kept for blocks of remote objects, in MiB. Default 128.
    public var remoteCacheSize = 128
    /// REMOTE_READ_AHEAD: what the first read of a remote object's start fetches at least, in KiB. Default 256.
    public var remoteReadAhead = 256
    /// REMOTE_TIMEOUT: the longest one request to a remote store may take, in seconds. Default 10.
    public var remoteTimeout: Double = 10
    /// REMOTE_RETRIES: retries of a remote request that failed to connect, timed out or got a 5xx. Default 2.
    public var remoteRetries = 2
    /// REMOTE_CONNECTIONS: connections to a remote store at most, per host (a soft limit). Default 32.
    public var remoteConnections = 32
    /// S3_ADDRESSING: `auto` (virtual-host style on AWS, path style on a custom endpoint), `path` or `virtual`.
    public var s3Addressing = "auto"
    /// The AWS_ variables (and HOME, for `~/.aws`) of the environment the configuration was read from: the
    /// credentials, profile, region and endpoint of an `s3://` FILESYSTEM_PREFIX. Never logged.
    public var awsEnvironment: [String: String] = [:]
    /// DECODER_MODULE_CHECK: seconds a decoder module may take, in a child process, to open a file and read its
    /// first tile before the server opens the file with it; 0 trusts modules. Default 10.
    public var decoderModuleCheck: Double = 10
    /// The program that runs the decoder module check (this server's own executable, which knows
    /// `--probe-decoder-module`); `nil` when there is none, as when the pipeline runs inside another program.
    public var decoderModuleProbeExecutable: String?
    /// MAX_TILE_RANGE: the most tiles one TIL request may ask for; more answers 400. Default 1024.
    public var maxTileRange = 1024
    /// MEMORY_TRIM_INTERVAL: the shortest time, in seconds, between two returns of freed export memory to the system
    /// (`malloc_trim`, when no export is running). Default 1; 0 disables it.
    public var memoryTrimInterval = 1.0
    /// VIEWER: the viewer page and its image list. Default on.
    public var viewer = true
    /// VIEWER_MAX_ENTRIES: the most directory entries one image listing examines. Default 10,000.
    public var viewerMaxEntries = 10000
    /// VIEWER_MAX_DEPTH: the deepest folder level under FILESYSTEM_PREFIX the image list reads (0: the prefix
    /// itself). Default 8.
    public var viewerMaxDepth = 8
    /// METRICS: Prometheus metrics at `/metrics`. Default on.
    public var metrics = true
    /// ADMIN_ADDRESS: where `/metrics`, `/health` and `/ready` are served on their own (PORT or HOST:PORT); empty
    /// serves `/metrics` on the image frontends. Default empty.
    public var adminAddress = ""
    /// SERVER_TIMING: a `Server-Timing` header with the stage times. Default off.
    public var serverTiming = false
    /// OTEL_EXPORTER_OTLP_ENDPOINT: the OpenTelemetry collector traces go to; empty traces nothing. Default empty.
    public var otlpEndpoint = ""

    /// Whether requests are traced.
    public var tracing: Bool { !otlpEndpoint.isEmpty }

    /// The tile cache budget in bytes.
    public var tileCacheBytes: Int { Int(min(max(maxImageCacheSize, 0) * 1_024_000, Double(Int.max / 2))) }

    /// The decoded-tile cache budget in bytes.
    public var decodedCacheBytes: Int { Int(min(max(maxDecodedCacheSize, 0) * 1_024_000, Double(Int.max / 2))) }

    /// MEMORY_TRIM_INTERVAL as a duration (zero when disabled, at most a day).
    public var memoryTrimDuration: Duration { .seconds(min(max(memoryTrimInterval, 0), 86400)) }

    /// FILE_CHECK_INTERVAL as a duration (at most a year).
    public var fileCheckDuration: Duration { .milliseconds(Int64(min(max(fileCheckInterval, 0), 31_536_000) * 1000)) }

    /// Defaults for a machine with `cores` cores.
    public init(cores: Int = 2) {
        codecThreads = max(cores, 1)
        maxHandlesPerImage = max(cores, 1)
        maxExportsInFlight = max(cores, 1)
    }
}
