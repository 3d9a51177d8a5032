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

    /// The angle reduced to `0..<360` (exactly, by `fmod`); 0 for an infinite or NaN angle.
    ///
    /// Any finite angle, however large, reduces to a small one, so trigonometry on the result stays finite.
    public var normalizedDegrees: Double { Self.normalized(degrees) }

    /// The number of clockwise quarter turns (0, 1, 2 or 3) when the angle is a multiple of 90 degrees, else `nil`.
    public var quarterTurns: Int? {
        guard degrees.isFinite else { return nil }
        let positive = normalizedDegrees
        guard positive == positive.rounded() else { return nil }
        // 0 <= positive < 360, so the conversion is exact.
        let whole = Int(positive)
        guard whole % 90 == 0 else { return nil }
        return whole / 90
    }

    /// `degrees` reduced to `0..<360`; 0 for an infinite or NaN angle, and for -0.
    public static func normalized(_ degrees: Double) -> Double {
        guard degrees.isFinite else { return 0 }
        var reduced = degrees.truncatingRemainder(dividingBy: 360)
        if reduced < 0 { reduced += 360 }
        // A tiny negative angle plus 360 rounds to 360 itself.
        if reduced >= 360 { reduced = 0 }
        return reduced + 0
    }

    /// Whether width and height swap.
    public var swapsAxes: Bool { quarterTurns.map { $0 % 2 == 1 } ?? false }

    /// Whether the rotation changes nothing.
    public var isIdentity: Bool { !mirrored && quarterTurns == 0 }
}
