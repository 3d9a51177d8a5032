/// The light source of hill-shading (SHD, iipsrv-reference §6.3).
public struct LightDirection: Sendable, Hashable {
    /// Horizontal angle in degrees, clockwise from 12 o'clock.
    public var horizontal: Int
    /// Angle down from the horizontal, in degrees.
    public var vertical: Int

    /// Creates a direction.
    public init(horizontal: Int, vertical: Int) {
        self.horizontal = horizontal
        self.vertical = vertical
    }
}
