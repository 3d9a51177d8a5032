import Logging
import Testing

@testable import IIPPipeline

/// Environment variables read with iipsrv's names, defaults and clamping.
@Suite struct ServerConfigurationTests {
    private func configuration(_ environment: [String: String] = [:], cores: Int = 4) -> ServerConfiguration {
        ServerConfiguration(environment: environment, cores: cores)
    }

    // iipsrv-reference §9: the master defaults of every variable
    @Test func defaults() {
        let c = configuration([:], cores: 6)
        #expect(c.logFile == "/tmp/iipsrv.log")
        #expect(c.verbosity == 1)
        #expect(c.maxImageCacheSize == 10)
        #expect(c.tileCacheBytes == 10_240_000)
        #expect(c.maxMetadataCacheSize == 1000)
        #expect(c.filesystemPrefix == "")
        #expect(c.filesystemSuffix == "")
        #expect(c.filenamePattern == "_pyr_")
        #expect(c.jpegQuality == 75)
        #expect(c.pngQuality == 1)
        #expect(c.webpQuality == 50)
        #expect(c.avifQuality == 50)
        #expect(c.avifCodec == 0)
        #expect(c.tiffCompression == 2)
        #expect(c.tiffQuality == 1)
        #expect(c.maxCVT == 5000)
        #expect(c.allowUpscaling == true)
        #expect(c.maxLayers == 0)
        #expect(c.watermark == "")
        #expect(c.watermarkProbability == 1.0)
        #expect(c.watermarkOpacity == 1.0)
        #expect(c.memcachedServers == "localhost")
        #expect(c.memcachedTimeout == 86400)
        #expect(c.interpolation == 1)
        #expect(c.cors == "")
        #expect(c.baseURL == "")
        #expect(c.uriMap == "")
        #expect(c.cacheControl == "max-age=86400")
        #expect(c.maxICC == 65536)
        #expect(c.codecPassthrough == true)
        #expect(c.kakaduReadMode == 0)
        #expect(c.iiifVersion == 3)
        #expect(c.iiifDelimiter == "")
        #expect(c.iiifExtraInfo == "")
        #expect(c.iiifExtensions == false)
        #expect(c.copyright == "")
        #expect(c.decoderModules == "")
        #expect(c.codecThreads == 6)
        // This server's own.
        #expect(c.maxRequestsInFlight == 256)
        #expect(c.maxRequestsQueued == 1024)
        #expect(c.maxHandlesPerImage == 6)
        #expect(c.fileCheckInterval == 1.0)
        #expect(c.maxQueryLength == 16384)
    }

    @Test func atLeastOneCodecThread() {
        #expect(configuration(cores: 0).codecThreads == 1)
        #expect(configuration(cores: -3).maxHandlesPerImage == 1)
    }

    struct Clamp: Sendable, CustomTestStringConvertible {
        var variable: String
        var value: String
        var check: @Sendable (ServerConfiguration) -> Bool
        var testDescription: String { "\(variable)=\(value)" }
    }

    // iipsrv-reference §9: ranges, special values and atoi semantics
    static let clamps: [Clamp] = [
        Clamp(variable: "JPEG_QUALITY", value: "0") { $0.jpegQuality == 1 },
        Clamp(variable: "JPEG_QUALITY", value: "500") { $0.jpegQuality == 100 },
        Clamp(variable: "JPEG_QUALITY", value: "12abc") { $0.jpegQuality == 12 },
        Clamp(variable: "JPEG_QUALITY", value: "abc") { $0.jpegQuality == 1 },
        Clamp(variable: "JPEG_QUALITY", value: "88") { $0.jpegQuality == 88 },
        Clamp(variable: "PNG_QUALITY", value: "12") { $0.pngQuality == 9 },
        Clamp(variable: "PNG_QUALITY", value: "-1") { $0.pngQuality == 0 },
        Clamp(variable: "WEBP_QUALITY", value: "-5") { $0.webpQuality == -1 },
        Clamp(variable: "WEBP_QUALITY", value: "101") { $0.webpQuality == 100 },
        Clamp(variable: "AVIF_QUALITY", value: "-1") { $0.avifQuality == -1 },
        Clamp(variable: "AVIF_CODEC", value: "3") { $0.avifCodec == 3 },
        Clamp(variable: "AVIF_CODEC", value: "4") { $0.avifCodec == 0 },
        Clamp(variable: "MAX_CVT", value: "-1") { $0.maxCVT == nil },
        Clamp(variable: "MAX_CVT", value: "0") { $0.maxCVT == 5000 },
        Clamp(variable: "MAX_CVT", value: "-7") { $0.maxCVT == 1 },
        Clamp(variable: "MAX_CVT", value: "800") { $0.maxCVT == 800 },
        Clamp(variable: "MAX_CVT", value: "abc") { $0.maxCVT == 5000 },
        Clamp(variable: "TIFF_COMPRESSION", value: "5") { $0.tiffCompression == 0 },
        Clamp(variable: "TIFF_COMPRESSION", value: "4") { $0.tiffCompression == 4 },
        Clamp(variable: "TIFF_COMPRESSION", value: "1") { $0.tiffCompression == 1 },
        Clamp(variable: "TIFF_QUALITY", value: "250") { $0.tiffQuality == 100 },
        Clamp(variable: "IIIF_VERSION", value: "0") { $0.iiifVersion == 3 },
        Clamp(variable: "IIIF_VERSION", value: "2") { $0.iiifVersion == 2 },
        Clamp(variable: "IIIF_VERSION", value: "x") { $0.iiifVersion == 3 },
        Clamp(variable: "VERBOSITY", value: "-3") { $0.verbosity == 0 },
        Clamp(variable: "VERBOSITY", value: "6") { $0.verbosity == 6 },
        Clamp(variable: "KAKADU_READMODE", value: "7") { $0.kakaduReadMode == 2 },
        Clamp(variable: "WATERMARK_PROBABILITY", value: "1.5") { $0.watermarkProbability == 1 },
        Clamp(variable: "WATERMARK_PROBABILITY", value: "0.25") { $0.watermarkProbability == 0.25 },
        Clamp(variable: "WATERMARK_OPACITY", value: "-2") { $0.watermarkOpacity == 0 },
        Clamp(variable: "MAX_METADATA_CACHE_SIZE", value: "-1") { $0.maxMetadataCacheSize == -1 },
        Clamp(variable: "MAX_METADATA_CACHE_SIZE", value: "0") { $0.maxMetadataCacheSize == 0 },
        Clamp(variable: "MAX_METADATA_CACHE_SIZE", value: "25") { $0.maxMetadataCacheSize == 25 },
        Clamp(variable: "ALLOW_UPSCALING", value: "0") { $0.allowUpscaling == false },
        Clamp(variable: "CODEC_PASSTHROUGH", value: "0") { $0.codecPassthrough == false },
        Clamp(variable: "IIIF_EXTENSIONS", value: "1") { $0.iiifExtensions == true },
        Clamp(variable: "MAX_ICC", value: "-1") { $0.maxICC == -1 },
        Clamp(variable: "MAX_LAYERS", value: "-1") { $0.maxLayers == -1 },
        Clamp(variable: "INTERPOLATION", value: "0") { $0.interpolation == 0 },
        Clamp(variable: "MEMCACHED_TIMEOUT", value: "60") { $0.memcachedTimeout == 60 },
    ]

    @Test(arguments: clamps)
    func clamping(_ clamp: Clamp) {
        #expect(clamp.check(configuration([clamp.variable: clamp.value])))
    }

    // iipsrv-reference §8.1: 1 MB = 1,024,000 bytes; the size is a float
    @Test(arguments: [("10", 10_240_000), ("0", 0), ("0.5", 512_000), ("2.5MB", 2_560_000), ("-4", 0), ("x", 0)])
    func tileCacheBytes(value: String, bytes: Int) {
        #expect(configuration(["MAX_IMAGE_CACHE_SIZE": value]).tileCacheBytes == bytes)
    }

    @Test func stringsAreTakenAsIs() {
        let c = configuration([
            "LOGFILE": "syslog", "FILESYSTEM_PREFIX": "/images/", "FILESYSTEM_SUFFIX": ".tif",
            "FILENAME_PATTERN": "_seq_", "CORS": "*", "BASE_URL": "https://example.org/iip/",
            "URI_MAP": "iiif=>IIIF", "CACHE_CONTROL": "no-store", "COPYRIGHT": "CC0", "WATERMARK": "/w.tif",
            "MEMCACHED_SERVERS": "a:11211,b", "IIIF_DELIMITER": "_", "IIIF_EXTRA_INFO": "\"k\": 1",
            "DECODER_MODULES": "a.so",
        ])
        #expect(c.logFile == "syslog")
        #expect(c.filesystemPrefix == "/images/")
        #expect(c.filesystemSuffix == ".tif")
        #expect(c.filenamePattern == "_seq_")
        #expect(c.cors == "*")
        #expect(c.baseURL == "https://example.org/iip/")
        #expect(c.uriMap == "iiif=>IIIF")
        #expect(c.cacheControl == "no-store")
        #expect(c.copyright == "CC0")
        #expect(c.watermark == "/w.tif")
        #expect(c.memcachedServers == "a:11211,b")
        #expect(c.iiifDelimiter == "_")
        #expect(c.iiifExtraInfo == "\"k\": 1")
        #expect(c.decoderModules == "a.so")
    }

    // iipsrv-reference §9: OMP_NUM_THREADS (default: all cores)
    @Test func threads() {
        let omp = configuration(["OMP_NUM_THREADS": "3"], cores: 8)
        #expect(omp.codecThreads == 3)
        #expect(omp.maxHandlesPerImage == 3)
        let ignored = configuration(["OMP_NUM_THREADS": "0"], cores: 8)
        #expect(ignored.codecThreads == 8)
        #expect(ignored.maxHandlesPerImage == 8)
        let both = configuration(["OMP_NUM_THREADS": "3", "MAX_HANDLES_PER_IMAGE": "5"], cores: 8)
        #expect(both.codecThreads == 3)
        #expect(both.maxHandlesPerImage == 5)
    }

    @Test func projectVariables() {
        let c = configuration([
            "MAX_REQUESTS_IN_FLIGHT": "12", "MAX_REQUESTS_QUEUED": "0", "MAX_HANDLES_PER_IMAGE": "2",
            "FILE_CHECK_INTERVAL": "0.25", "MAX_QUERY_LENGTH": "2048", "HTTP_IDLE_TIMEOUT": "5",
            "MAX_EXPORTS_IN_FLIGHT": "3", "MAX_EXPORT_PIXELS": "1000000", "MAX_DECODED_CACHE_SIZE": "2",
        ])
        #expect(c.maxRequestsInFlight == 12)
        #expect(c.maxRequestsQueued == 0)
        #expect(c.maxHandlesPerImage == 2)
        #expect(c.fileCheckInterval == 0.25)
        #expect(c.maxQueryLength == 2048)
        #expect(c.httpIdleTimeout == 5)
        #expect(c.maxExportsInFlight == 3)
        #expect(c.maxExportPixels == 1_000_000)
        #expect(c.decodedCacheBytes == 2_048_000)
        #expect(configuration().decodedCacheBytes == 32_768_000)
        // MAX_EXPORTS_QUEUED: half the requests in flight unless set; 0 lets none wait; empty or negative: default.
        #expect(c.exportQueueBound == c.maxRequestsQueued)
        #expect(configuration().exportQueueBound == 1024)
        #expect(configuration(["MAX_EXPORTS_QUEUED": "0"]).exportQueueBound == 0)
        #expect(configuration(["MAX_EXPORTS_IN_FLIGHT": "1", "MAX_EXPORTS_QUEUED": "5"]).exportQueueBound == 5)
        #expect(configuration(["MAX_REQUESTS_QUEUED": "10", "MAX_EXPORTS_QUEUED": ""]).exportQueueBound == 10)
        #expect(configuration(["MAX_REQUESTS_QUEUED": "10", "MAX_EXPORTS_QUEUED": "-1"]).exportQueueBound == 10)
        // MAX_FCGI_REQUESTS_IN_FLIGHT: 16 per codec thread unless set; 0 turns the bound off; empty or negative:
        // the default.
        #expect(ServerConfiguration(environment: [:], cores: 2).fastCGIRequestBound == 32)
        #expect(ServerConfiguration(environment: ["OMP_NUM_THREADS": "5"], cores: 2).fastCGIRequestBound == 80)
        #expect(configuration(["MAX_FCGI_REQUESTS_IN_FLIGHT": "0"]).fastCGIRequestBound == 0)
        #expect(configuration(["MAX_FCGI_REQUESTS_IN_FLIGHT": "7"]).fastCGIRequestBound == 7)
        for ignored in ["-4", " "] {
            let c = ServerConfiguration(environment: ["MAX_FCGI_REQUESTS_IN_FLIGHT": ignored], cores: 1)
            #expect(c.fastCGIRequestBound == 16, "\(ignored)")
        }
        #expect(configuration(["MAX_DECODED_CACHE_SIZE": "0"]).decodedCacheBytes == 0)
        #expect(configuration().memoryTrimDuration == .seconds(1))
        #expect(configuration(["MEMORY_TRIM_INTERVAL": "0.5"]).memoryTrimDuration == .milliseconds(500))
        #expect(configuration(["MEMORY_TRIM_INTERVAL": "0"]).memoryTrimDuration == .zero)
        #expect(configuration(["MEMORY_TRIM_INTERVAL": "-4"]).memoryTrimDuration == .zero)
        let invalid = configuration(
            [
                "MAX_REQUESTS_IN_FLIGHT": "0", "MAX_REQUESTS_QUEUED": "-1", "MAX_HANDLES_PER_IMAGE": "-2",
                "FILE_CHECK_INTERVAL": "-3", "MAX_QUERY_LENGTH": "0", "HTTP_IDLE_TIMEOUT": "0",
            ], cores: 3)
        #expect(invalid.maxRequestsInFlight == 256)
        #expect(invalid.maxRequestsQueued == 1024)
        #expect(invalid.maxHandlesPerImage == 3)
        #expect(invalid.fileCheckInterval == 0)
        #expect(invalid.maxQueryLength == 16384)
        #expect(invalid.httpIdleTimeout == 60)
    }

    @Test func summaryNamesEveryVariable() {
        let names = Set(configuration().summary.map(\.name))
        let reference = [
            "LOGFILE", "VERBOSITY", "MAX_IMAGE_CACHE_SIZE", "MAX_METADATA_CACHE_SIZE", "FILESYSTEM_PREFIX",
            "FILESYSTEM_SUFFIX", "FILENAME_PATTERN", "JPEG_QUALITY", "PNG_QUALITY", "WEBP_QUALITY", "AVIF_QUALITY",
            "AVIF_CODEC", "TIFF_COMPRESSION", "TIFF_QUALITY", "MAX_CVT", "ALLOW_UPSCALING", "MAX_LAYERS", "WATERMARK",
            "WATERMARK_PROBABILITY", "WATERMARK_OPACITY", "MEMCACHED_SERVERS", "MEMCACHED_TIMEOUT", "INTERPOLATION",
            "CORS", "BASE_URL", "URI_MAP", "CACHE_CONTROL", "MAX_ICC", "CODEC_PASSTHROUGH", "KAKADU_READMODE",
            "IIIF_VERSION", "IIIF_DELIMITER", "IIIF_EXTRA_INFO", "IIIF_EXTENSIONS", "COPYRIGHT", "DECODER_MODULES",
            "OMP_NUM_THREADS", "MAX_REQUESTS_IN_FLIGHT", "MAX_REQUESTS_QUEUED", "MAX_HANDLES_PER_IMAGE",
            "FILE_CHECK_INTERVAL", "MAX_QUERY_LENGTH", "HTTP_IDLE_TIMEOUT", "REQUEST_READ_TIMEOUT",
            "WRITE_TIMEOUT", "MAX_FCGI_CONNECTIONS", "MAX_FCGI_REQUESTS_IN_FLIGHT", "ALLOW_SYMLINKS_OUTSIDE_PREFIX",
            "MAX_EXPORTS_IN_FLIGHT",
            "MAX_EXPORTS_QUEUED",
            "MAX_EXPORT_PIXELS",
            "MAX_IMAGE_SIDE", "MAX_TILE_RANGE", "MAX_DECODED_CACHE_SIZE", "MEMORY_TRIM_INTERVAL",
            "MAX_TILE_BYTES", "MAX_JPEG2000_TILES", "DECODER_MODULE_CHECK", "EMBED_ICC", "IIIF_PREFERRED_FORMATS",
            "MEMCACHED_IO_TIMEOUT", "MEMCACHED_RETRY_INTERVAL", "MEMCACHED_MAX_ITEM", "JXL_QUALITY",
            "VIEWER", "VIEWER_MAX_ENTRIES", "VIEWER_MAX_DEPTH", "METRICS", "ADMIN_ADDRESS", "SERVER_TIMING",
            "REMOTE_BLOCK_SIZE", "REMOTE_CACHE_SIZE", "REMOTE_READ_AHEAD", "REMOTE_TIMEOUT", "REMOTE_RETRIES",
            "REMOTE_CONNECTIONS", "S3_ADDRESSING", "OTEL_EXPORTER_OTLP_ENDPOINT",
        ]
        #expect(names == Set(reference))
        let c = configuration(["MAX_CVT": "-1", "JPEG_QUALITY": "90"])
        let summary = Dictionary(uniqueKeysWithValues: c.summary.map { ($0.name, $0.value) })
        #expect(summary["MAX_CVT"] == "-1")
        #expect(summary["JPEG_QUALITY"] == "90")
    }
}

/// Numbers that are valid for atof but absurdly large must not trap when converted to integers.
@Suite struct ServerConfigurationOverflowTests {
    @Test func hugeCacheSizeDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            let configuration = ServerConfiguration(environment: ["MAX_IMAGE_CACHE_SIZE": "1e300"], cores: 2)
            precondition(configuration.tileCacheBytes > 0)
        }
    }

    @Test func hugeFileCheckIntervalDoesNotTrap() async {
        await #expect(processExitsWith: .success) {
            let configuration = ServerConfiguration(environment: ["FILE_CHECK_INTERVAL": "1e300"], cores: 1)
            let pipeline = Pipeline(configuration: configuration, logger: Logger(label: "overflow-test"))
            await pipeline.shutdown()
        }
    }
}
