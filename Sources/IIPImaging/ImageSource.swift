public import IIPModel

/// An open image that can describe itself and decode tiles and regions: the one interface every format
/// implements (pyramid TIFF, JPEG 2000, JPEG and decoder modules today; sequences next).
///
/// Sources own C library handles that are stateful and not thread-safe, so a source is used by one thread
/// at a time; the pipeline lends each one to a single decode. Tiled sources answer regions from their tiles (the
/// pipeline decodes those in parallel and caches them); a source whose format reads regions directly (JPEG2000,
/// a plain JPEG) overrides ``readRegion(resolution:rect:)``.
public protocol ImageSource: AnyObject {
    /// Sizes, tiles, samples and metadata.
    var description: ImageDescription { get }

    /// Decodes one tile, cropped at the image edges, with samples as stored.
    ///
    /// - Parameters:
    ///   - resolution: IIP resolution number, 0 = smallest.
    ///   - tile: Row-major tile index at that resolution.
    func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer

    /// Decodes the pixels of `rect` at `resolution`, with samples as stored.
    ///
    /// - Parameter rect: A rectangle inside the level, in that level's pixels.
    func readRegion(resolution: Int, rect: PixelRect) throws(ImagingError) -> PixelBuffer

    /// The tile as stored, as a standalone file in `format`, when it can be sent without decoding; `nil` otherwise
    /// (codec pass-through, iipsrv-reference §3.3).
    func storedTile(resolution: Int, tile: Int, format: OutputFormat) throws(ImagingError) -> [UInt8]?

    /// How exports should read a region of `resolution` (see ``RegionReading``).
    func regionReading(resolution: Int) -> RegionReading

    /// ``readTile(resolution:tile:)`` with the quality layers a request asked for (IIP LYR, `nil` for none);
    /// sources without layers ignore them.
    func readTile(resolution: Int, tile: Int, layers: Int?) throws(ImagingError) -> PixelBuffer

    /// ``readRegion(resolution:rect:)`` with the quality layers a request asked for (IIP LYR, `nil` for none).
    func readRegion(resolution: Int, rect: PixelRect, layers: Int?) throws(ImagingError) -> PixelBuffer

    /// Brings the stored bytes of `tiles` at `resolution` close, before they are decoded one by one: a file on a
    /// remote store fetches them in as few requests as their places in the file allow. Nothing for local files and
    /// formats without stored tiles. A blocking call.
    func prefetch(resolution: Int, tiles: [Int]) throws(ImagingError)
}

extension ImageSource {
    /// Nothing to bring close: local files, formats without stored tiles.
    public func prefetch(resolution: Int, tiles: [Int]) throws(ImagingError) {}
}

extension ImageSource {
    /// A region composed from the tiles that cover it, decoded one after another.
    public func readRegion(resolution: Int, rect: PixelRect) throws(ImagingError) -> PixelBuffer {
        try composedRegion(resolution: resolution, rect: rect)
    }

    /// A region composed from the tiles that cover it, decoded one after another (what sources that read regions
    /// themselves fall back to when they cannot).
    func composedRegion(resolution: Int, rect: PixelRect) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < description.levels.count else {
            throw .invalidParameter("no resolution \(resolution)")
        }
        let level = description.levels[resolution]
        let indices = level.tiles(covering: rect)
        guard !indices.isEmpty else {
            throw .invalidParameter("\(rect.width)x\(rect.height)+\(rect.x)+\(rect.y) is not inside the level")
        }
        var tiles: [(index: Int, pixels: PixelBuffer)] = []
        tiles.reserveCapacity(indices.count)
        for index in indices { tiles.append((index, try readTile(resolution: resolution, tile: index))) }
        return try PixelBuffer.composing(tiles, rect: rect, level: level)
    }

    /// Sources without quality layers read as without a request.
    public func readTile(resolution: Int, tile: Int, layers: Int?) throws(ImagingError) -> PixelBuffer {
        try readTile(resolution: resolution, tile: tile)
    }

    /// Sources without quality layers read as without a request.
    public func readRegion(resolution: Int, rect: PixelRect, layers: Int?) throws(ImagingError) -> PixelBuffer {
        try readRegion(resolution: resolution, rect: rect)
    }

    /// Tiled sources compose regions from their tiles (which the pipeline decodes in parallel and caches).
    public func regionReading(resolution: Int) -> RegionReading { .tiles }

    /// Sources without stored tiles never pass through.
    public func storedTile(resolution: Int, tile: Int, format: OutputFormat) throws(ImagingError) -> [UInt8]? { nil }
}

extension PyramidTIFF: ImageSource {}
