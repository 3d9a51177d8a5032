/// A region as fractions of the full image, 0 to 1 on each axis (RGN, iipsrv-reference §2.1).
public struct NormalizedRegion: Sendable, Hashable {
    /// Left edge as a fraction of the full width.
    public var x: Double
    /// Top edge as a fraction of the full height.
    public var y: Double
    /// Width as a fraction of the full width.
    public var width: Double
    /// Height as a fraction of the full height.
    public var height: Double

    /// Creates a region.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The whole image.
    public static let full = NormalizedRegion(x: 0, y: 0, width: 1, height: 1)

    /// Whether this is the whole image.
    public var isFull: Bool { x == 0 && y == 0 && width >= 1 && height >= 1 }
}
