public import IIPImaging
public import IIPModel
import Synchronization

/// An image the registry has opened: its description, its file status and a pool of handles for decoding.
public final class OpenImage: Sendable {
    /// The path as requested (decoded, `../` removed), without prefix and suffix: the cache key.
    public let path: String
    /// The filesystem path that was opened.
    public let filePath: String
    /// Sizes, tiles, samples and metadata.
    public let description: ImageDescription
    /// The file's status when it was opened.
    public let status: FileStatus
    let handles: HandlePool
    private let histogramMemo = Mutex<Histogram?>(nil)
    /// info.json bodies already written, by IIIF version and id: a handful at most (one per host name and version).
    private let infoMemo = Mutex<[String: String]>([:])
    private static let infoMemoLimit = 16

    init(path: String, filePath: String, description: ImageDescription, status: FileStatus, handles: HandlePool) {
        self.path = path
        self.filePath = filePath
        self.description = description
        self.status = status
        self.handles = handles
    }

    /// The image's histogram, computed once from tile 0 of the smallest level (iipsrv-reference §6.4).
    /// A blocking call on first use: run it on the ``CodecExecutor``.
    public func histogram() throws(ImagingError) -> Histogram {
        if let known = histogramMemo.withLock({ $0 }) { return known }
        let tile = try readTile(resolution: 0, tile: 0)
        let histogram = Histogram(
            BitDepthReduction.to8Bit(tile, minimum: description.minValues, maximum: description.maxValues))
        histogramMemo.withLock { $0 = histogram }
        return histogram
    }

    /// The info.json body for `key` (the IIIF version and id), written by `make` the first time. The image is
    /// reopened when its file changes, so a body never outlives the file it describes.
    public func infoJSON(key: String, make: () -> String) -> String {
        if let known = infoMemo.withLock({ $0[key] }) { return known }
        let json = make()
        infoMemo.withLock { memo in
            if memo.count >= Self.infoMemoLimit { memo.removeAll(keepingCapacity: true) }
            memo[key] = json
        }
        return json
    }

    /// The stored JPEG of a tile, ready to send without decoding, or `nil` (codec pass-through). Blocking.
    public func storedJPEGTile(resolution: Int, tile: Int) throws(ImagingError) -> [UInt8]? {
        try handles.withSource { source throws(ImagingError) in
            try source.storedJPEGTile(resolution: resolution, tile: tile)
        }
    }

    /// Decodes a tile with a handle nobody else is using. A blocking call: run it on the ``CodecExecutor``.
    public func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        try handles.withSource { source throws(ImagingError) in
            try source.readTile(resolution: resolution, tile: tile)
        }
    }
}
