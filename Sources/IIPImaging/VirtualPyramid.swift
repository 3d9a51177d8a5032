public import IIPModel

/// The pyramid iipsrv gives formats that store no levels of their own, or not enough (JPEG 2000, JPEG): the full
/// size, then halves rounded down until both sides fit in one tile, cut into virtual square tiles
/// (iipsrv-reference §7.2, §7.3).
public enum VirtualPyramid {
    /// The side of the virtual tiles.
    public static let tileSide = 256

    /// The levels for a `width` x `height` image, smallest first.
    public static func levels(width: Int, height: Int) -> [PyramidLevel] {
        var sizes = [(width, height)]
        var (w, h) = (width, height)
        while w > tileSide || h > tileSide {
            w /= 2
            h /= 2
            sizes.append((max(w, 1), max(h, 1)))
        }
        return sizes.reversed().map {
            PyramidLevel(width: $0.0, height: $0.1, tileWidth: tileSide, tileHeight: tileSide)
        }
    }
}
