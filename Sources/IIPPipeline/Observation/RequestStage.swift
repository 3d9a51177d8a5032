/// A step of a request whose time is measured: the pipeline's stages, and inside rendering the cache lookup and
/// the work on the codec threads. The names are the `stage` label of `iip_stage_duration_seconds`, the entries of
/// the `Server-Timing` header and the names of the trace's stage spans.
public enum RequestStage: Int, Sendable, CaseIterable {
    /// Protocol text to a typed request.
    case parse
    /// Opening the images the request names (the open-image registry, a `stat` per check interval).
    case open
    /// The protocol's plan.
    case plan
    /// Tile cache and memcached lookups, including the wait for a tile another request is rendering.
    case cache
    /// File to pixels, on the codec threads (summed over the tiles of an export decoded in parallel).
    case decode
    /// Contrast, colour, resizing, rotation and the rest, on the codec threads.
    case transform
    /// Pixels to the output format, on the codec threads.
    case encode

    /// The stage's name in metrics, headers and traces.
    public var name: String {
        switch self {
        case .parse: "parse"
        case .open: "open"
        case .plan: "plan"
        case .cache: "cache"
        case .decode: "decode"
        case .transform: "transform"
        case .encode: "encode"
        }
    }
}
