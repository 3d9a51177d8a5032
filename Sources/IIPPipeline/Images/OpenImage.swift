package import IIPImaging
package import IIPModel
package import IIPProtocol
import NIOConcurrencyHelpers

/// An image the registry has opened: its description, its file status and a pool of handles for decoding.
package final class OpenImage: Sendable {
    /// The path as requested (decoded, `../` removed), without prefix and suffix: the cache key.
    package let path: String
    /// The filesystem path that was opened.
    package let filePath: String
    /// Sizes, tiles, samples and metadata.
    package let description: ImageDescription
    /// The file's status when it was opened.
    package let status: FileStatus
    /// Whether the image is read from a remote store.
    package var isRemote: Bool { status.isRemote }
    /// How exports read regions, per resolution (``ImageSource/regionReading(resolution:)``).
    package let regionReadings: [RegionReading]
    let handles: HandlePool
    /// The other views of a sequence or stack; `nil` for a single image, whose one view answers every angle.
    let views: ViewPools?
    private let histogramMemo = NIOLockedValueBox<Histogram?>(nil)
    /// Documents already written (info.json by IIIF version and id): a handful at most (one per host and version).
    private let documentMemo = NIOLockedValueBox<[String: String]>([:])
    private static let documentMemoLimit = 16

    init(
        path: String, filePath: String, description: ImageDescription, status: FileStatus, handles: HandlePool,
        regionReadings: [RegionReading] = [], views: ViewPools? = nil
    ) {
        self.path = path
        self.views = views
        self.regionReadings = regionReadings
        self.filePath = filePath
        self.description = description
        self.status = status
        self.handles = handles
    }

    /// The image's histogram, computed once from tile 0 of the smallest level, samples wider than 8 bits normalised
    /// with the image's sample range first (iipsrv-reference §6.4).
    /// A blocking call on first use: run it on the ``CodecExecutor``.
    package func histogram() throws(ImagingError) -> Histogram {
        if let known = histogramMemo.withLockedValue({ $0 }) { return known }
        let tile = try readTile(resolution: 0, tile: 0)
        let histogram = Histogram.of(tile, minimum: description.minValues, maximum: description.maxValues)
        histogramMemo.withLockedValue { $0 = histogram }
        return histogram
    }

    /// The document for `key` (info.json: the IIIF version and id), written by `make` the first time. The image is
    /// reopened when its file changes, so a document never outlives the file it describes.
    package func document(key: String, make: () -> String) -> String {
        if let known = documentMemo.withLockedValue({ $0[key] }) { return known }
        let text = make()
        documentMemo.withLockedValue { memo in
            if memo.count >= Self.documentMemoLimit { memo.removeAll(keepingCapacity: true) }
            memo[key] = text
        }
        return text
    }

    /// The stored tile of a view in `format`, ready to send without decoding, or `nil` (codec pass-through).
    /// Blocking.
    package func storedTile(
        resolution: Int, tile: Int, format: OutputFormat, view: SequenceAngles = SequenceAngles()
    ) throws(ImagingError) -> [UInt8]? {
        try pool(for: view).withSource { source throws(ImagingError) in
            try source.storedTile(resolution: resolution, tile: tile, format: format)
        }
    }

    /// How exports read a region of `resolution`.
    package func regionReading(resolution: Int) -> RegionReading {
        resolution >= 0 && resolution < regionReadings.count ? regionReadings[resolution] : .tiles
    }

    /// Decodes a region of a level of a view in one call, with a handle nobody else is using. Blocking.
    package func readRegion(
        resolution: Int, rect: PixelRect, layers: Int? = nil, view: SequenceAngles = SequenceAngles()
    ) throws(ImagingError) -> PixelBuffer {
        try pool(for: view).withSource { source throws(ImagingError) in
            try source.readRegion(resolution: resolution, rect: rect, layers: layers)
        }
    }

    /// Brings the stored bytes of `tiles` close before they are decoded (an image on a remote store fetches them
    /// in as few requests as it can); nothing for local files. A blocking call: run it on the ``CodecExecutor``.
    package func prefetch(resolution: Int, tiles: [Int], view: SequenceAngles = SequenceAngles()) throws(ImagingError) {
        try pool(for: view).withSource { source throws(ImagingError) in
            try source.prefetch(resolution: resolution, tiles: tiles)
        }
    }

    /// Decodes a tile of a view with a handle nobody else is using. A blocking call: run it on the
    /// ``CodecExecutor``.
    package func readTile(
        resolution: Int, tile: Int, layers: Int? = nil, view: SequenceAngles = SequenceAngles()
    ) throws(ImagingError) -> PixelBuffer {
        try pool(for: view).withSource { source throws(ImagingError) in
            try source.readTile(resolution: resolution, tile: tile, layers: layers)
        }
    }

    /// The view `angles` select, for cache keys: the angles of a sequence or stack, the one view of a single image
    /// whatever SDS says (so that SDS cannot make one tile many cache entries).
    package func view(_ angles: SequenceAngles) -> SequenceAngles {
        views == nil ? SequenceAngles() : angles
    }

    /// The handles of a view: a single image's one pool whatever the angles (as iipsrv ignores SDS there).
    private func pool(for view: SequenceAngles) throws(ImagingError) -> HandlePool {
        guard let views else { return handles }
        return try views.pool(for: view)
    }
}
