/// The `--help` text for configuration: iipsrv's environment variables and this server's own.
enum EnvironmentHelp {
    static let text = """
        Configuration comes from iipsrv's environment variables, with iipsrv's names and defaults:

          FILESYSTEM_PREFIX     prepended to every image path ("")
          FILESYSTEM_SUFFIX     appended to every image path ("")
          MAX_IMAGE_CACHE_SIZE  tile cache in MB of 1,024,000 bytes (10; 0 disables)
          MAX_METADATA_CACHE_SIZE  images kept open (1000; 0 none; -1 unlimited)
          JPEG_QUALITY          1-100 (75)
          MAX_CVT               largest export width or height (5000; -1 no limit)
          ALLOW_UPSCALING       0 forbids exports larger than the source (1)
          INTERPOLATION         0 nearest neighbour, 1 bilinear (1)
          CORS                  Access-Control-Allow-Origin value ("" = off)
          CACHE_CONTROL         Cache-Control header (max-age=86400)
          LOGFILE               file path, "syslog" or "stderr" (/tmp/iipsrv.log)
          VERBOSITY             0 silent ... 6 very detailed (1)
          OMP_NUM_THREADS       decode/encode threads (number of cores)
          also read: FILENAME_PATTERN PNG_QUALITY WEBP_QUALITY AVIF_QUALITY AVIF_CODEC
          TIFF_COMPRESSION TIFF_QUALITY MAX_LAYERS WATERMARK WATERMARK_PROBABILITY
          WATERMARK_OPACITY MEMCACHED_SERVERS MEMCACHED_TIMEOUT BASE_URL URI_MAP MAX_ICC
          CODEC_PASSTHROUGH KAKADU_READMODE IIIF_VERSION IIIF_DELIMITER IIIF_EXTRA_INFO
          IIIF_EXTENSIONS COPYRIGHT DECODER_MODULES

        This server's own:
          MAX_REQUESTS_IN_FLIGHT  requests processed at once (256)
          MAX_REQUESTS_QUEUED     requests waiting before 503 (1024)
          MAX_HANDLES_PER_IMAGE   open file handles per image (= threads)
          FILE_CHECK_INTERVAL     seconds between checks that an image changed (1; 0 = always)
          MAX_QUERY_LENGTH        longest request string in bytes (16384)
          HTTP_IDLE_TIMEOUT       seconds before an idle HTTP connection closes (60)
          MAX_EXPORTS_IN_FLIGHT   region exports decoded at once (= threads)
          MAX_EXPORT_PIXELS       source pixels one export may decode (100000000)
          MAX_DECODED_CACHE_SIZE  MB of decoded tiles kept for region exports (32; 0 = none)
          MEMORY_TRIM_INTERVAL    seconds between returns of freed export memory to the system (1; 0 = never)

        Signals: SIGTERM/SIGINT finish requests in flight and exit; SIGHUP empties the caches.
        """
}
