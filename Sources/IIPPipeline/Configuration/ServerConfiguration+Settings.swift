extension ServerConfiguration {
    /// Every environment variable, once: iipsrv's (iipsrv-reference §9) in the order iipsrv documents them, then
    /// this server's own. Numbers are read as C's `atoi`/`atof` would, so an iipsrv configuration means the same
    /// thing here.
    package static let settings: [Setting] = iipsrvSettings + serverSettings

    private static func int(_ text: String) -> Int { EnvironmentValue.atoi(text) }
    private static func double(_ text: String) -> Double { EnvironmentValue.atof(text) }
    private static func flag(_ value: Bool) -> String { value ? "1" : "0" }

    private static let iipsrvSettings: [Setting] = [
        Setting(
            "FILESYSTEM_PREFIX", .iipsrv, default: "\"\"",
            range: "a folder (ends in /), or `s3://bucket/prefix/`, `http(s)://host/path/`",
            "Prepended to every image path. Nothing outside it is ever opened. A URL serves pyramid TIFFs and JPEG "
                + "2000 files from an S3-compatible bucket or an HTTP server honouring byte ranges (the REMOTE_ "
                + "settings; AWS_ variables for S3).",
            read: { $0.filesystemPrefix = $1 }, show: { $0.filesystemPrefix }),
        Setting(
            "FILESYSTEM_SUFFIX", .iipsrv, default: "\"\"", range: "text", "Appended to every image path.",
            read: { $0.filesystemSuffix = $1 }, show: { $0.filesystemSuffix }),
        Setting(
            "MAX_IMAGE_CACHE_SIZE", .iipsrv, default: "10", range: ">= 0 (negative: 0)",
            "Tile cache in iipsrv's megabytes (1,024,000 bytes); 0 disables it.",
            read: { $0.maxImageCacheSize = max(double($1), 0) }, show: { "\($0.maxImageCacheSize)" }),
        Setting(
            "MAX_METADATA_CACHE_SIZE", .iipsrv, default: "1000", range: ">= -1",
            "Images kept open; 0 none, -1 unlimited.",
            read: { $0.maxMetadataCacheSize = max(int($1), -1) }, show: { "\($0.maxMetadataCacheSize)" }),
        Setting(
            "FILENAME_PATTERN", .iipsrv, default: "_pyr_", range: "text",
            "Between the path and the angles in the file names of an image sequence (`<path><pattern>000_090.tif`).",
            read: { $0.filenamePattern = $1 }, show: { $0.filenamePattern }),
        Setting(
            "JPEG_QUALITY", .iipsrv, default: "75", range: "1-100 (clamped)", "JPEG quality of tiles and exports.",
            read: { $0.jpegQuality = min(max(int($1), 1), 100) }, show: { "\($0.jpegQuality)" }),
        Setting(
            "PNG_QUALITY", .iipsrv, default: "1", range: "0-9 (clamped)", "zlib level of PNG output.",
            read: { $0.pngQuality = min(max(int($1), 0), 9) }, show: { "\($0.pngQuality)" }),
        Setting(
            "WEBP_QUALITY", .iipsrv, default: "50", range: "-1-100 (clamped)", "WebP quality; -1 lossless.",
            read: { $0.webpQuality = min(max(int($1), -1), 100) }, show: { "\($0.webpQuality)" }),
        Setting(
            "AVIF_QUALITY", .iipsrv, default: "50", range: "-1-100 (clamped)",
            "AVIF quality, as AV1 quantizer round((100 - q) x 63 / 100); -1 lossless (4:4:4, exact).",
            read: { $0.avifQuality = min(max(int($1), -1), 100) }, show: { "\($0.avifQuality)" }),
        Setting(
            "AVIF_CODEC", .iipsrv, default: "0", range: "0-3 (others: 0)",
            "AVIF encoder: 0 auto (aom), 1 aom, 2 rav1e, 3 svt; one libavif lacks is logged at start and auto used. "
                + "Lossless pictures are always aom's (the one exact encoder); svt also leaves grey, transparent, "
                + "odd-sided and sub-64-pixel pictures to aom.",
            read: { configuration, text in
                let value = int(text)
                configuration.avifCodec = (0...3).contains(value) ? value : 0
            }, show: { "\($0.avifCodec)" }),
        Setting(
            "TIFF_COMPRESSION", .iipsrv, default: "2", range: "0-4 (others: 0)",
            "TIFF output: 0 none, 1 LZW, 2 Deflate, 3 JPEG, 4 WebP.",
            read: { configuration, text in
                let value = int(text)
                configuration.tiffCompression = (0...4).contains(value) ? value : 0
            }, show: { "\($0.tiffCompression)" }),
        Setting(
            "TIFF_QUALITY", .iipsrv, default: "1", range: "0-100 (clamped)",
            "Quality or level of the TIFF output compression.",
            read: { $0.tiffQuality = min(max(int($1), 0), 100) }, show: { "\($0.tiffQuality)" }),
        Setting(
            "MAX_CVT", .iipsrv, default: "5000", range: "-1 no limit; 0: 5000; below -1: 1",
            "Largest width or height of an export.",
            read: { configuration, text in
                switch int(text) {
                case -1: configuration.maxCVT = nil
                case 0: configuration.maxCVT = 5000
                case ..<(-1): configuration.maxCVT = 1
                case let value: configuration.maxCVT = value
                }
            }, show: { $0.maxCVT.map(String.init) ?? "-1" }),
        Setting(
            "ALLOW_UPSCALING", .iipsrv, default: "1", range: "0 or 1",
            "0 keeps exports at most the size of the region's pixels.",
            read: { $0.allowUpscaling = int($1) != 0 }, show: { flag($0.allowUpscaling) }),
        Setting(
            "MAX_LAYERS", .iipsrv, default: "0", range: "-1, 0 or a count",
            "JPEG2000 quality layers decoded: 0 half of them, -1 all, a count at most that many; a request's LYR overrides it (only below it when it is a count).",
            read: { $0.maxLayers = int($1) }, show: { "\($0.maxLayers)" }),
        Setting(
            "WATERMARK", .iipsrv, default: "\"\"", range: "a TIFF path",
            "An image added to tiles and exports (iipsrv's additive blend); unreadable: a log line, no watermark.",
            read: { $0.watermark = $1 }, show: { $0.watermark }),
        Setting(
            "WATERMARK_PROBABILITY", .iipsrv, default: "1", range: "0-1 (clamped)",
            "Share of tiles (and export blocks) that get the watermark; a tile is rolled once while it is cached.",
            read: { $0.watermarkProbability = min(max(double($1), 0), 1) }, show: { "\($0.watermarkProbability)" }),
        Setting(
            "WATERMARK_OPACITY", .iipsrv, default: "1", range: "0-1 (clamped)", "Opacity of the watermark.",
            read: { $0.watermarkOpacity = min(max(double($1), 0), 1) },
            show: { "\($0.watermarkOpacity)" }),
        Setting(
            "MEMCACHED_SERVERS", .iipsrv, default: "localhost", range: "host[:port], comma-separated",
            "memcached servers that several server processes and machines share rendered tiles through, looked up "
                + "after the tile cache misses (consistent hashing); empty turns it off.",
            read: { $0.memcachedServers = $1 }, show: { $0.memcachedServers }),
        Setting(
            "MEMCACHED_TIMEOUT", .iipsrv, default: "86400", range: ">= 0 seconds", "Expiry of memcached entries.",
            read: { $0.memcachedTimeout = max(int($1), 0) }, show: { "\($0.memcachedTimeout)" }),
        Setting(
            "INTERPOLATION", .iipsrv, default: "1", range: "0 or 1 (others: bilinear)",
            "Export resampling: 0 nearest neighbour, 1 bilinear.",
            read: { $0.interpolation = int($1) }, show: { "\($0.interpolation)" }),
        Setting(
            "CORS", .iipsrv, default: "\"\"", range: "an origin or *",
            "`Access-Control-Allow-Origin` value; empty sends no CORS headers.",
            read: { $0.cors = $1 }, show: { $0.cors }),
        Setting(
            "BASE_URL", .iipsrv, default: "\"\"", range: "a URL", "Base of IIIF ids and redirects.",
            read: { $0.baseURL = $1 }, show: { $0.baseURL }),
        Setting(
            "URI_MAP", .iipsrv, default: "\"\"", range: "`prefix=>protocol`",
            "Maps a path prefix to a protocol (`iiif=>IIIF`).", read: { $0.uriMap = $1 }, show: { $0.uriMap }),
        Setting(
            "CACHE_CONTROL", .iipsrv, default: "max-age=86400", range: "a header value",
            "`Cache-Control` on successful responses (errors get `no-cache`).",
            read: { $0.cacheControl = $1 }, show: { $0.cacheControl }),
        Setting(
            "MAX_ICC", .iipsrv, default: "65536", range: "-1 always, 0 never, or bytes",
            "Largest ICC profile embedded in output.", read: { $0.maxICC = int($1) }, show: { "\($0.maxICC)" }),
        Setting(
            "EMBED_ICC", .iipsrv, default: "1", range: "0 or 1",
            "iipsrv 1.1's switch for ICC profiles in output: 0 embeds none, whatever MAX_ICC says.",
            read: { $0.embedICC = int($1) != 0 }, show: { flag($0.embedICC) }),
        Setting(
            "CODEC_PASSTHROUGH", .iipsrv, default: "1", range: "0 or 1",
            "Send stored JPEG tiles without decoding when nothing changes them.",
            read: { $0.codecPassthrough = int($1) != 0 }, show: { flag($0.codecPassthrough) }),
        Setting(
            "KAKADU_READMODE", .iipsrv, default: "0", range: "0-2 (clamped)", "Kakadu's decoding mode.",
            status: .accepted("this server decodes JPEG2000 with OpenJPEG, not Kakadu"),
            read: { $0.kakaduReadMode = min(max(int($1), 0), 2) }, show: { "\($0.kakaduReadMode)" }),
        Setting(
            "IIIF_VERSION", .iipsrv, default: "3", range: "2 or 3 (below 1: 3)",
            "IIIF Image API version answered when the request does not ask for one.",
            read: { configuration, text in
                let value = int(text)
                configuration.iiifVersion = value < 1 ? 3 : value
            }, show: { "\($0.iiifVersion)" }),
        Setting(
            "IIIF_DELIMITER", .iipsrv, default: "\"\"", range: "text",
            "Separates a page number from an IIIF identifier: it picks a stack layer or sequence view.",
            read: { $0.iiifDelimiter = $1 }, show: { $0.iiifDelimiter }),
        Setting(
            "IIIF_EXTRA_INFO", .iipsrv, default: "\"\"", range: "`\"key\": value` JSON text",
            "Added to every info.json.", read: { $0.iiifExtraInfo = $1 }, show: { $0.iiifExtraInfo }),
        Setting(
            "IIIF_EXTENSIONS", .iipsrv, default: "0", range: "0 or 1",
            "Adds the qualities stretch, negative, equalization and log.",
            read: { $0.iiifExtensions = int($1) != 0 }, show: { flag($0.iiifExtensions) }),
        Setting(
            "COPYRIGHT", .iipsrv, default: "\"\"", range: "text or a URI",
            "Rights statement for images that have none (IIIF `rights`/`attribution`).",
            read: { $0.copyright = $1 }, show: { $0.copyright }),
        Setting(
            "DECODER_MODULES", .iipsrv, default: "\"\"", range: "comma-separated .so paths",
            "Shared libraries that read more image formats, chosen by file extension, loaded at start-up; one that "
                + "cannot be loaded is logged and left out.",
            read: { $0.decoderModules = $1 }, show: { $0.decoderModules }),
        Setting(
            "LOGFILE", .iipsrv, default: "/tmp/iipsrv.log", range: "a file, syslog, stderr or -",
            "Where the log goes. An unwritable file turns logging off, as in iipsrv.",
            read: { $0.logFile = $1 }, show: { $0.logFile }),
        Setting(
            "VERBOSITY", .iipsrv, default: "1", range: "0-6 (negative: 0)",
            "0 silent, 1 start-up and problems, 2 one line per request, 3+ everything.",
            read: { $0.verbosity = max(int($1), 0) }, show: { "\($0.verbosity)" }),
        Setting(
            "OMP_NUM_THREADS", .iipsrv, default: "cores", range: "> 0 (others: cores)",
            "Threads for decoding and encoding (iipsrv's OpenMP setting, reused).",
            read: { configuration, text in
                let value = int(text)
                guard value > 0 else { return }
                configuration.codecThreads = value
                configuration.maxHandlesPerImage = value
                configuration.maxExportsInFlight = value
            }, show: { "\($0.codecThreads)" }),
    ]

    private static let serverSettings: [Setting] = [
        Setting(
            "JXL_QUALITY", .server, default: "75", range: "-1-100 (clamped)",
            "JPEG XL quality on cjxl's scale (libjxl distance 0.1 + (100 - q) x 0.09 from 30 up); -1 lossless.",
            read: { $0.jxlQuality = min(max(int($1), -1), 100) }, show: { "\($0.jxlQuality)" }),
        Setting(
            "MAX_REQUESTS_IN_FLIGHT", .server, default: "256", range: "> 0", "Requests processed at once.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxRequestsInFlight = value }
            }, show: { "\($0.maxRequestsInFlight)" }),
        Setting(
            "MAX_REQUESTS_QUEUED", .server, default: "1024", range: ">= 0",
            "Requests allowed to wait; past that the answer is 503 at once (counted).",
            read: { configuration, text in
                let value = int(text)
                if value >= 0 { configuration.maxRequestsQueued = value }
            }, show: { "\($0.maxRequestsQueued)" }),
        Setting(
            "MAX_HANDLES_PER_IMAGE", .server, default: "threads", range: "> 0",
            "Open file handles one image may hold, each serving one decode.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxHandlesPerImage = value }
            }, show: { "\($0.maxHandlesPerImage)" }),
        Setting(
            "FILE_CHECK_INTERVAL", .server, default: "1", range: ">= 0 seconds",
            "Seconds between checks (`stat`) that an open image's file changed; 0 checks on every request.",
            read: { $0.fileCheckInterval = max(double($1), 0) }, show: { "\($0.fileCheckInterval)" }),
        Setting(
            "MAX_QUERY_LENGTH", .server, default: "16384", range: "> 0 bytes",
            "Longest request string, in bytes (414 beyond).",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxQueryLength = value }
            }, show: { "\($0.maxQueryLength)" }),
        Setting(
            "HTTP_IDLE_TIMEOUT", .server, default: "60", range: "> 0 seconds, at most a day",
            "Seconds before an idle HTTP connection is closed.",
            read: { configuration, text in
                let value = double(text)
                if value > 0 { configuration.httpIdleTimeout = min(value, 86400) }
            }, show: { "\($0.httpIdleTimeout)" }),
        Setting(
            "REQUEST_READ_TIMEOUT", .server, default: "30", range: "> 0 seconds, at most a day",
            "Seconds a client may take to send one request, head and body, over HTTP or FastCGI (and a new connection "
                + "its first request); a slower connection is closed with a log line, holding nothing meanwhile.",
            read: { configuration, text in
                let value = double(text)
                if value > 0 { configuration.requestReadTimeout = min(value, 86400) }
            }, show: { "\($0.requestReadTimeout)" }),
        Setting(
            "WRITE_TIMEOUT", .server, default: "30", range: "> 0 seconds, at most a day",
            "Seconds an answer may stay stalled on a client that does not read it (more than 64 KiB waiting); then the "
                + "connection is closed with a log line.",
            read: { configuration, text in
                let value = double(text)
                if value > 0 { configuration.writeTimeout = min(value, 86400) }
            }, show: { "\($0.writeTimeout)" }),
        Setting(
            "MAX_FCGI_CONNECTIONS", .server, default: "4096", range: "> 0",
            "FastCGI connections served at once (nginx opens one per request in flight, plus its kept-alive ones); a "
                + "connection past it is closed at once with a log line. The open-file limit is raised to its hard "
                + "limit at start-up, and a warning is logged when that is still too low for this many connections.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxFastCGIConnections = value }
            }, show: { "\($0.maxFastCGIConnections)" }),
        Setting(
            "MAX_FCGI_REQUESTS_IN_FLIGHT", .server, default: "16 x threads", range: ">= 0",
            "FastCGI requests worked on at once. A request arriving past it waits, in order, as read and without a "
                + "task (its connection still watched for an abort or a close) until one is answered; at most "
                + "MAX_REQUESTS_QUEUED wait so. An export waiting for its own slot does not count. 0: no such bound, "
                + "every request starts at once and waits in the MAX_REQUESTS_QUEUED queue instead.",
            read: { configuration, text in
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
                let value = int(text)
                if value >= 0 { configuration.maxFastCGIRequestsInFlight = value }
            }, show: { "\($0.fastCGIRequestBound)" }),
        Setting(
            "ALLOW_SYMLINKS_OUTSIDE_PREFIX", .server, default: "0", range: "0 or 1",
            "1 lets symbolic links under FILESYSTEM_PREFIX lead outside it; 0 answers 404 for such a link without "
                + "looking at its target.",
            read: { $0.allowSymlinksOutsidePrefix = int($1) != 0 }, show: { flag($0.allowSymlinksOutsidePrefix) }),
        Setting(
            "MAX_EXPORTS_IN_FLIGHT", .server, default: "threads", range: "> 0",
            "Region exports (CVT, IIIF regions) decoded at once; the rest wait.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxExportsInFlight = value }
            }, show: { "\($0.maxExportsInFlight)" }),
        Setting(
            "MAX_EXPORTS_QUEUED", .server, default: "queued requests", range: ">= 0",
            "Region exports allowed to wait for one of MAX_EXPORTS_IN_FLIGHT; past that the answer is 503 at once "
                + "(counted). An export gives its request slot to the next request while it waits and runs, so "
                + "exports never take slots from tiles. Default: MAX_REQUESTS_QUEUED.",
            read: { configuration, text in
                guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
                let value = int(text)
                if value >= 0 { configuration.maxExportsQueued = value }
            }, show: { "\($0.exportQueueBound)" }),
        Setting(
            "MAX_EXPORT_PIXELS", .server, default: "100000000", range: "> 0",
            "Source pixels one export may decode, and pixels it may write; more answers 400. This bounds export memory.",
            read: { configuration, text in
                let value = double(text)
                if value > 0 { configuration.maxExportPixels = Int(min(value, 1e15)) }
            }, show: { "\($0.maxExportPixels)" }),
        Setting(
            "MAX_IMAGE_SIDE", .server, default: "4194304", range: "> 0 pixels",
            "Largest width or height an image file may claim; larger files are refused before anything is allocated.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxImageSide = value }
            }, show: { "\($0.maxImageSide)" }),
        Setting(
            "MAX_TILE_BYTES", .server, default: "268435456", range: "> 0 bytes",
            "Largest decoded tile a file may declare, and largest area decoded for one tile of a virtual JPEG 2000 or "
                + "JPEG level; larger files or tiles are refused.",
            read: { configuration, text in
                let value = double(text)
                if value > 0 { configuration.maxTileBytes = Int(min(value, 1e15)) }
            }, show: { "\($0.maxTileBytes)" }),
        Setting(
            "MAX_JPEG2000_TILES", .server, default: "16384", range: "> 0",
            "Most tiles a JPEG 2000 codestream may declare; more refuses the file (OpenJPEG copies each tile's coding "
                + "parameters on every decode).",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxJPEG2000Tiles = value }
            }, show: { "\($0.maxJPEG2000Tiles)" }),
        Setting(
            "DECODER_MODULE_CHECK", .server, default: "10", range: ">= 0 seconds",
            "Seconds a decoder module may take, in a child process, to open a file and read a first tile before the "
                + "server opens the file with it; a module that crashes or runs longer costs that image a 404 and a "
                + "log line, not the server. 0 trusts modules.",
            read: { configuration, text in
                let value = double(text)
                if value >= 0 { configuration.decoderModuleCheck = min(value, 86400) }
            }, show: { "\(Int($0.decoderModuleCheck))" }),
        Setting(
            "MAX_TILE_RANGE", .server, default: "1024", range: "> 0",
            "Most tiles one TIL request may ask for; more answers 400.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.maxTileRange = value }
            }, show: { "\($0.maxTileRange)" }),
        Setting(
            "MAX_DECODED_CACHE_SIZE", .server, default: "32", range: ">= 0",
            "MB of decoded tiles kept for region exports, so neighbouring exports skip decoding; 0 disables.",
            read: { $0.maxDecodedCacheSize = max(double($1), 0) }, show: { "\($0.maxDecodedCacheSize)" }),
        Setting(
            "MEMORY_TRIM_INTERVAL", .server, default: "1", range: ">= 0 seconds",
            "Seconds between two returns of freed export memory to the system (`malloc_trim`, run when no export is "
                + "in flight); 0 disables.",
            read: { $0.memoryTrimInterval = max(double($1), 0) }, show: { "\($0.memoryTrimInterval)" }),
        Setting(
            "IIIF_PREFERRED_FORMATS", .server, default: "\"\"", range: "IIIF formats, comma-separated",
            "IIIF 3.0 `preferredFormats` in info.json, most preferred first (e.g. `webp,jpg`), for viewers that pick "
                + "their tile format from it (OpenSeadragon, Allmaps, TIFY). Formats this server cannot write are left "
                + "out, with a log line.",
            read: { configuration, text in
                configuration.iiifPreferredFormats = text.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }.filter { !$0.isEmpty }
            }, show: { $0.iiifPreferredFormats.joined(separator: ",") }),
        Setting(
            "MEMCACHED_IO_TIMEOUT", .server, default: "50", range: "1-60000 milliseconds (clamped)",
            "Longest a request waits for memcached, queueing included; past it the lookup is a miss, and a server "
                + "that failed is left out until a background probe finds it answering.",
            read: { $0.memcachedIOTimeout = min(max(int($1), 1), 60000) }, show: { "\($0.memcachedIOTimeout)" }),
        Setting(
            "MEMCACHED_RETRY_INTERVAL", .server, default: "5", range: "1-3600 seconds (clamped)",
            "Seconds between background probes of a memcached server that failed; while it is down its keys go to "
                + "the other servers.",
            read: { $0.memcachedRetryInterval = min(max(int($1), 1), 3600) },
            show: { "\($0.memcachedRetryInterval)" }),
        Setting(
            "MEMCACHED_MAX_ITEM", .server, default: "1047552", range: "> 0 bytes",
            "Largest tile sent to memcached (its item limit, 1 MiB by default, less room for the key); larger ones "
                + "are counted and logged once.",
            read: { $0.memcachedMaxItem = max(int($1), 1) }, show: { "\($0.memcachedMaxItem)" }),
        Setting(
            "VIEWER", .server, default: "1", range: "0 or 1",
            "The viewer page at `/` and `/viewer/`, with its image list; 0 turns it off, and those paths answer as "
                + "before (iipsrv's advert page).",
            read: { $0.viewer = int($1) != 0 }, show: { flag($0.viewer) }),
        Setting(
            "VIEWER_MAX_ENTRIES", .server, default: "10000", range: "> 0",
            "Most directory entries the viewer's image list examines under FILESYSTEM_PREFIX per listing; past it the "
                + "list is cut short and says so.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.viewerMaxEntries = value }
            }, show: { "\($0.viewerMaxEntries)" }),
        Setting(
            "VIEWER_MAX_DEPTH", .server, default: "8", range: ">= 0 (0: the prefix's own files only)",
            "Deepest folder level under FILESYSTEM_PREFIX the viewer's image list descends into.",
            read: { configuration, text in
                let value = int(text)
                if value >= 0 { configuration.viewerMaxDepth = min(value, 64) }
            }, show: { "\($0.viewerMaxDepth)" }),
        Setting(
            "METRICS", .server, default: "1", range: "0 or 1",
            "Prometheus metrics at `/metrics` (requests, latency per protocol and stage, caches, intake, codec "
                + "threads, memcached); 0 collects nothing and `/metrics` is not served.",
            read: { $0.metrics = int($1) != 0 }, show: { flag($0.metrics) }),
        Setting(
            "ADMIN_ADDRESS", .server, default: "\"\"", range: "PORT or HOST:PORT",
            "Serves `/metrics`, `/health` and `/ready` over HTTP on this address, and `/metrics` no longer on the "
                + "image frontends, so it is never public.",
            read: { $0.adminAddress = $1.trimmingCharacters(in: .whitespaces) }, show: { $0.adminAddress }),
        Setting(
            "SERVER_TIMING", .server, default: "0", range: "0 or 1",
            "1 adds a `Server-Timing` header with the time of each stage (parse, open, plan, cache, decode, "
                + "transform, encode), shown by a browser's network panel.",
            read: { $0.serverTiming = int($1) != 0 }, show: { flag($0.serverTiming) }),
        Setting(
            "REMOTE_BLOCK_SIZE", .server, default: "64", range: "4-16384 KiB (clamped)",
            "Blocks a remote store's objects are fetched and cached in; a read fetches every block it lacks in one "
                + "ranged request.",
            read: { $0.remoteBlockSize = min(max(int($1), 4), 16384) }, show: { "\($0.remoteBlockSize)" }),
        Setting(
            "REMOTE_CACHE_SIZE", .server, default: "128", range: ">= 0 MiB",
            "Memory for blocks of remote objects, shared by all images (least recently used out); 0 keeps none.",
            read: { $0.remoteCacheSize = max(int($1), 0) }, show: { "\($0.remoteCacheSize)" }),
        Setting(
            "REMOTE_READ_AHEAD", .server, default: "256", range: ">= 0 KiB",
            "What the first read of a remote object's start fetches at least, so that a TIFF's header, directories and "
                + "tile offsets come in one request.",
            read: { $0.remoteReadAhead = max(int($1), 0) }, show: { "\($0.remoteReadAhead)" }),
        Setting(
            "REMOTE_TIMEOUT", .server, default: "10", range: "> 0 seconds",
            "Longest one request to a remote store may take; past it, it is retried, then the image answers 502.",
            read: { configuration, text in
                let value = double(text)
                if value > 0, value.isFinite { configuration.remoteTimeout = min(value, 3600) }
            }, show: { "\($0.remoteTimeout)" }),
        Setting(
            "REMOTE_RETRIES", .server, default: "2", range: "0-10 (clamped)",
            "Retries of a remote request that failed to connect, timed out or got a 5xx, 50 ms apart, doubling.",
            read: { $0.remoteRetries = min(max(int($1), 0), 10) }, show: { "\($0.remoteRetries)" }),
        Setting(
            "REMOTE_CONNECTIONS", .server, default: "32", range: "> 0",
            "Connections to a remote store at most (a soft limit, per host); idle ones are kept 60 s for the next requests.",
            read: { configuration, text in
                let value = int(text)
                if value > 0 { configuration.remoteConnections = value }
            }, show: { "\($0.remoteConnections)" }),
        Setting(
            "S3_ADDRESSING", .server, default: "auto", range: "auto, path, virtual (others: auto)",
            "How S3 requests name the bucket: virtual-host style (`bucket.s3.region.amazonaws.com`) or path style "
                + "(`endpoint/bucket/key`); auto is virtual-host on AWS, path style on AWS_ENDPOINT_URL.",
            read: { configuration, text in
                let value = text.lowercased()
                configuration.s3Addressing = ["path", "virtual"].contains(value) ? value : "auto"
            }, show: { $0.s3Addressing }),
        Setting(
            "OTEL_EXPORTER_OTLP_ENDPOINT", .server, default: "\"\"", range: "a URL (e.g. http://localhost:4318)",
            "Sends a trace of each request, with a span per stage, to this OpenTelemetry collector over OTLP; empty "
                + "(the default) traces nothing at no cost. The other OTEL_* variables (OTEL_EXPORTER_OTLP_PROTOCOL, "
                + "OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER ...) are read by swift-otel.",
            read: { $0.otlpEndpoint = $1.trimmingCharacters(in: .whitespaces) }, show: { $0.otlpEndpoint }),
    ]
}
