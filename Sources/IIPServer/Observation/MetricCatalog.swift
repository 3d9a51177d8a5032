/// Every metric the server exports, with its help text: the `# HELP` lines of `/metrics`, the README's list, and
/// what the tests hold `/metrics` to (a metric missing here, or here and never exported, fails them).
public enum MetricCatalog {
    /// One metric.
    public struct Entry: Sendable {
        /// The metric's name as exported.
        public var name: String
        /// Its Prometheus type: counter, gauge or histogram.
        public var type: String
        /// Its labels.
        public var labels: [String]
        /// What it measures.
        public var help: String
    }

    /// The metrics, by subject.
    public static let entries: [Entry] = [
        Entry(
            name: "iip_requests_total", type: "counter", labels: ["protocol", "frontend", "status"],
            help: "Requests answered, by protocol, frontend and status class."),
        Entry(
            name: "iip_request_duration_seconds", type: "histogram", labels: ["protocol"],
            help: "Time from a request reaching the server to its response being ready."),
        Entry(
            name: "iip_response_bytes_total", type: "counter", labels: ["protocol"],
            help: "Response body bytes answered."),
        Entry(
            name: "iip_stage_duration_seconds", type: "histogram", labels: ["stage"],
            help: "Time a request spent in each stage (decode, transform and encode run on the codec threads)."),
        Entry(
            name: "iip_tiles_passed_through_total", type: "counter", labels: [],
            help: "Tiles read from the file as stored and sent without re-encoding (codec pass-through)."),
        Entry(
            name: "iip_requests_admitted_total", type: "counter", labels: [],
            help: "Requests admitted to the pipeline."),
        Entry(
            name: "iip_requests_rejected_total", type: "counter", labels: [],
            help: "Requests answered 503 because the intake was full or the server was stopping."),
        Entry(
            name: "iip_requests_in_flight", type: "gauge", labels: [], help: "Requests being processed."),
        Entry(
            name: "iip_requests_queued", type: "gauge", labels: [], help: "Requests waiting for a slot."),
        Entry(
            name: "iip_exports_in_flight", type: "gauge", labels: [],
            help: "Region exports decoding or encoding (at most MAX_EXPORTS_IN_FLIGHT)."),
        Entry(
            name: "iip_exports_queued", type: "gauge", labels: [],
            help: "Region exports waiting for an export slot (at most MAX_EXPORTS_QUEUED)."),
        Entry(
            name: "iip_exports_rejected_total", type: "counter", labels: [],
            help: "Region exports answered 503 because MAX_EXPORTS_IN_FLIGHT and MAX_EXPORTS_QUEUED were full."),
        Entry(
            name: "iip_codec_threads", type: "gauge", labels: [], help: "Threads for blocking codec work."),
        Entry(
            name: "iip_codec_threads_busy", type: "gauge", labels: [], help: "Codec threads running a job."),
        Entry(
            name: "iip_codec_jobs_queued", type: "gauge", labels: [], help: "Codec jobs waiting for a thread."),
        Entry(
            name: "iip_codec_jobs_total", type: "counter", labels: ["priority"],
            help: "Codec jobs run: interactive (tiles, documents) or bulk (region exports, queued behind them)."),
        Entry(
            name: "iip_codec_jobs_cancelled_total", type: "counter", labels: [],
            help: "Codec jobs dropped before they ran because their client went away."),
        Entry(
            name: "iip_tile_cache_lookups_total", type: "counter", labels: ["result"],
            help: "Encoded tile cache lookups: hit, miss, or coalesced with a render in progress."),
        Entry(
            name: "iip_tile_cache_evictions_total", type: "counter", labels: [],
            help: "Encoded tiles dropped to stay within MAX_IMAGE_CACHE_SIZE."),
        Entry(
            name: "iip_tile_cache_entries", type: "gauge", labels: [], help: "Encoded tiles held."),
        Entry(
            name: "iip_tile_cache_bytes", type: "gauge", labels: [], help: "Bytes the encoded tile cache holds."),
        Entry(
            name: "iip_decoded_tile_cache_lookups_total", type: "counter", labels: ["result"],
            help: "Decoded tile cache lookups (region exports): hit, miss or coalesced."),
        Entry(
            name: "iip_decoded_tile_cache_evictions_total", type: "counter", labels: [],
            help: "Decoded tiles dropped to stay within MAX_DECODED_CACHE_SIZE."),
        Entry(
            name: "iip_decoded_tile_cache_entries", type: "gauge", labels: [], help: "Decoded tiles held."),
        Entry(
            name: "iip_decoded_tile_cache_bytes", type: "gauge", labels: [],
            help: "Bytes the decoded tile cache holds."),
        Entry(
            name: "iip_image_cache_lookups_total", type: "counter", labels: ["result"],
            help: "Open-image registry lookups: hit, miss (the file is opened) or coalesced."),
        Entry(
            name: "iip_image_cache_evictions_total", type: "counter", labels: [],
            help: "Images closed to stay within MAX_METADATA_CACHE_SIZE."),
        Entry(name: "iip_images_open", type: "gauge", labels: [], help: "Images the registry holds open."),
        Entry(
            name: "iip_image_handles_open", type: "gauge", labels: [],
            help: "File handles with decoder state held by the images' pools, idle or decoding."),
        Entry(name: "iip_image_opens_total", type: "counter", labels: [], help: "Image files opened and described."),
        Entry(
            name: "iip_memcached_hits_total", type: "counter", labels: [], help: "Tiles found in memcached."),
        Entry(
            name: "iip_memcached_misses_total", type: "counter", labels: [], help: "Tiles memcached did not have."),
        Entry(
            name: "iip_memcached_invalid_total", type: "counter", labels: [],
            help: "memcached values that were not a tile of this server (left unused)."),
        Entry(
            name: "iip_memcached_skipped_total", type: "counter", labels: [],
            help: "Lookups and stores not sent because every server their key could go to was down."),
        Entry(
            name: "iip_memcached_failures_total", type: "counter", labels: [],
            help: "memcached calls that failed (refused, timed out, garbage)."),
        Entry(
            name: "iip_memcached_abandoned_total", type: "counter", labels: [],
            help: "Lookups given up after MEMCACHED_IO_TIMEOUT; the tile was rendered instead."),
        Entry(
            name: "iip_memcached_stores_total", type: "counter", labels: [], help: "Tiles sent to memcached."),
        Entry(
            name: "iip_memcached_too_large_total", type: "counter", labels: [],
            help: "Tiles larger than MEMCACHED_MAX_ITEM or refused by the server as too large."),
        Entry(
            name: "iip_memcached_stores_dropped_total", type: "counter", labels: [],
            help: "Stores dropped because too many were waiting."),
        Entry(
            name: "iip_memcached_servers_down", type: "gauge", labels: [],
            help: "memcached servers marked down and left out until a probe finds them answering."),
        Entry(
            name: "iip_memcached_lookup_seconds", type: "histogram", labels: [],
            help: "Time of memcached lookups, queueing included."),
    ]

    /// The help text of `name`, or an empty string for a metric not listed.
    public static func help(_ name: String) -> String {
        entries.first { $0.name == name }?.help ?? ""
    }

    /// Histogram buckets for durations: from 50 µs (a cached tile) to 10 s (a large export).
    public static let durationBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000),
        .seconds(5), .seconds(10),
    ]
}
