extension ServerConfiguration {
    /// Reads every variable from `environment`, applying iipsrv's defaults and clamping (iipsrv-reference §9).
    ///
    /// Unset variables keep their defaults; numbers are read as C's `atoi`/`atof` would.
    public init(environment: [String: String], cores: Int) {
        self.init(cores: cores)
        func string(_ name: String) -> String? { environment[name] }
        func int(_ name: String) -> Int? { environment[name].map(EnvironmentValue.atoi) }
        func double(_ name: String) -> Double? { environment[name].map(EnvironmentValue.atof) }

        if let value = string("LOGFILE") { logFile = value }
        if let value = int("VERBOSITY") { verbosity = max(value, 0) }
        if let value = double("MAX_IMAGE_CACHE_SIZE") { maxImageCacheSize = max(value, 0) }
        if let value = int("MAX_METADATA_CACHE_SIZE") { maxMetadataCacheSize = max(value, -1) }
        if let value = string("FILESYSTEM_PREFIX") { filesystemPrefix = value }
        if let value = string("FILESYSTEM_SUFFIX") { filesystemSuffix = value }
        if let value = string("FILENAME_PATTERN") { filenamePattern = value }
        if let value = int("JPEG_QUALITY") { jpegQuality = min(max(value, 1), 100) }
        if let value = int("PNG_QUALITY") { pngQuality = min(max(value, 0), 9) }
        if let value = int("WEBP_QUALITY") { webpQuality = min(max(value, -1), 100) }
        if let value = int("AVIF_QUALITY") { avifQuality = min(max(value, -1), 100) }
        if let value = int("AVIF_CODEC") { avifCodec = (0...3).contains(value) ? value : 0 }
        if let value = int("TIFF_COMPRESSION") { tiffCompression = (0...4).contains(value) ? value : 0 }
        if let value = int("TIFF_QUALITY") { tiffQuality = min(max(value, 0), 100) }
        if let value = int("MAX_CVT") {
            switch value {
            case -1: maxCVT = nil
            case 0: maxCVT = 5000
            case ..<(-1): maxCVT = 1
            default: maxCVT = value
            }
        }
        if let value = int("ALLOW_UPSCALING") { allowUpscaling = value != 0 }
        if let value = int("MAX_LAYERS") { maxLayers = value }
        if let value = string("WATERMARK") { watermark = value }
        if let value = double("WATERMARK_PROBABILITY") { watermarkProbability = min(max(value, 0), 1) }
        if let value = double("WATERMARK_OPACITY") { watermarkOpacity = min(max(value, 0), 1) }
        if let value = string("MEMCACHED_SERVERS") { memcachedServers = value }
        if let value = int("MEMCACHED_TIMEOUT") { memcachedTimeout = max(value, 0) }
        if let value = int("INTERPOLATION") { interpolation = value }
        if let value = string("CORS") { cors = value }
        if let value = string("BASE_URL") { baseURL = value }
        if let value = string("URI_MAP") { uriMap = value }
        if let value = string("CACHE_CONTROL") { cacheControl = value }
        if let value = int("MAX_ICC") { maxICC = value }
        if let value = int("CODEC_PASSTHROUGH") { codecPassthrough = value != 0 }
        if let value = int("KAKADU_READMODE") { kakaduReadMode = min(max(value, 0), 2) }
        if let value = int("IIIF_VERSION") { iiifVersion = value < 1 ? 3 : value }
        if let value = string("IIIF_DELIMITER") { iiifDelimiter = value }
        if let value = string("IIIF_EXTRA_INFO") { iiifExtraInfo = value }
        if let value = int("IIIF_EXTENSIONS") { iiifExtensions = value != 0 }
        if let value = string("COPYRIGHT") { copyright = value }
        if let value = string("DECODER_MODULES") { decoderModules = value }
        if let value = int("OMP_NUM_THREADS"), value > 0 {
            codecThreads = value
            maxHandlesPerImage = value
            maxExportsInFlight = value
        }
        if let value = int("MAX_REQUESTS_IN_FLIGHT"), value > 0 { maxRequestsInFlight = value }
        if let value = int("MAX_REQUESTS_QUEUED"), value >= 0 { maxRequestsQueued = value }
        if let value = int("MAX_HANDLES_PER_IMAGE"), value > 0 { maxHandlesPerImage = value }
        if let value = double("FILE_CHECK_INTERVAL") { fileCheckInterval = max(value, 0) }
        if let value = int("MAX_QUERY_LENGTH"), value > 0 { maxQueryLength = value }
        if let value = double("HTTP_IDLE_TIMEOUT"), value > 0 { httpIdleTimeout = min(value, 86400) }
        if let value = int("MAX_EXPORTS_IN_FLIGHT"), value > 0 { maxExportsInFlight = value }
        if let value = double("MAX_DECODED_CACHE_SIZE") { maxDecodedCacheSize = max(value, 0) }
        if let value = double("MAX_EXPORT_PIXELS"), value > 0 { maxExportPixels = Int(min(value, 1e15)) }
        if let value = double("MEMORY_TRIM_INTERVAL") { memoryTrimInterval = max(value, 0) }
    }

    /// Every setting as `(variable, value)`, for the start-up log (iipsrv logs one line per setting).
    public var summary: [(name: String, value: String)] {
        [
            ("LOGFILE", logFile), ("VERBOSITY", "\(verbosity)"), ("MAX_IMAGE_CACHE_SIZE", "\(maxImageCacheSize)"),
            ("MAX_METADATA_CACHE_SIZE", "\(maxMetadataCacheSize)"), ("FILESYSTEM_PREFIX", filesystemPrefix),
            ("FILESYSTEM_SUFFIX", filesystemSuffix), ("FILENAME_PATTERN", filenamePattern),
            ("JPEG_QUALITY", "\(jpegQuality)"), ("PNG_QUALITY", "\(pngQuality)"), ("WEBP_QUALITY", "\(webpQuality)"),
            ("AVIF_QUALITY", "\(avifQuality)"), ("AVIF_CODEC", "\(avifCodec)"),
            ("TIFF_COMPRESSION", "\(tiffCompression)"), ("TIFF_QUALITY", "\(tiffQuality)"),
            ("MAX_CVT", maxCVT.map(String.init) ?? "-1"), ("ALLOW_UPSCALING", allowUpscaling ? "1" : "0"),
            ("MAX_LAYERS", "\(maxLayers)"), ("WATERMARK", watermark),
            ("WATERMARK_PROBABILITY", "\(watermarkProbability)"), ("WATERMARK_OPACITY", "\(watermarkOpacity)"),
            ("MEMCACHED_SERVERS", memcachedServers), ("MEMCACHED_TIMEOUT", "\(memcachedTimeout)"),
            ("INTERPOLATION", "\(interpolation)"), ("CORS", cors), ("BASE_URL", baseURL), ("URI_MAP", uriMap),
            ("CACHE_CONTROL", cacheControl), ("MAX_ICC", "\(maxICC)"),
            ("CODEC_PASSTHROUGH", codecPassthrough ? "1" : "0"), ("KAKADU_READMODE", "\(kakaduReadMode)"),
            ("IIIF_VERSION", "\(iiifVersion)"), ("IIIF_DELIMITER", iiifDelimiter),
            ("IIIF_EXTRA_INFO", iiifExtraInfo), ("IIIF_EXTENSIONS", iiifExtensions ? "1" : "0"),
            ("COPYRIGHT", copyright), ("DECODER_MODULES", decoderModules), ("OMP_NUM_THREADS", "\(codecThreads)"),
            ("MAX_REQUESTS_IN_FLIGHT", "\(maxRequestsInFlight)"), ("MAX_REQUESTS_QUEUED", "\(maxRequestsQueued)"),
            ("MAX_HANDLES_PER_IMAGE", "\(maxHandlesPerImage)"), ("FILE_CHECK_INTERVAL", "\(fileCheckInterval)"),
            ("MAX_QUERY_LENGTH", "\(maxQueryLength)"), ("HTTP_IDLE_TIMEOUT", "\(httpIdleTimeout)"),
            ("MAX_EXPORTS_IN_FLIGHT", "\(maxExportsInFlight)"), ("MAX_EXPORT_PIXELS", "\(maxExportPixels)"),
            ("MAX_DECODED_CACHE_SIZE", "\(maxDecodedCacheSize)"), ("MEMORY_TRIM_INTERVAL", "\(memoryTrimInterval)"),
        ]
    }
}
