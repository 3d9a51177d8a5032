/// The ROT setting and IIIF rotation: a mirror flag and an angle in degrees.
///
/// Mirroring is applied before rotation; `mirrored` with 180 degrees is a vertical flip
/// (iipsrv-reference §2.1).
public struct Rotation: Sendable, Hashable {
    /// Clockwise angle in degrees.
    public var degrees: Double
    /// Whether the image is mirrored horizontally before rotating.
    public var mirrored: Bool

    /// Creates a rotation.
    public init(degrees: Double = 0, mirrored: Bool = false) {
        self.degrees = degrees
        self.mirrored = mirrored
    }

    /// No rotation, no mirror.
    public static let none = Rotation()

    /// The angle reduced to a quarter turn (0, 90, 180 or 270) when it is one, else `nil`.
    public var quarterTurns: Int? {
        let reduced = degrees.truncatingRemainder(dividingBy: 360)
        let positive = reduced < 0 ? reduced + 360 : reduced
        guard positive == positive.rounded(), Int(positive) % 90 == 0 else { return nil }
        return Int(positive) / 90
    }

    /// Whether width and height swap.
    public var swapsAxes: Bool { quarterTurns.map { $0 % 2 == 1 } ?? false }

    /// Whether the rotation changes nothing.
    public var isIdentity: Bool { !mirrored && quarterTurns == 0 }
}
