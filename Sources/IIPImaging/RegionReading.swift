public import IIPModel

/// How an export reads the pixels of a region from a source, chosen by the source per level.
public enum RegionReading: Sendable, Hashable {
    /// Compose the tiles that cover the region (stored tiles: TIFF).
    case tiles
    /// Compose blocks of this grid, each read with ``ImageSource/readRegion(resolution:rect:)``: blocks follow
    /// the format's own units (JPEG 2000 codestream tiles at that level), so each is parsed once, and the pipeline
    /// caches them for the next exports nearby.
    case blocks(PyramidLevel)
    /// Read the region in one ``ImageSource/readRegion(resolution:rect:)`` call (units too large to cache).
    case direct
}
