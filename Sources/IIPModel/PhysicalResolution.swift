/// Pixel density of the full-resolution image, from the TIFF resolution tags.
public struct PhysicalResolution: Sendable, Hashable {
    /// The unit the densities are expressed in.
    public enum Unit: Sendable, Hashable {
        /// Pixels per inch (TIFF ResolutionUnit 2).
        case inch
        /// Pixels per centimetre (TIFF ResolutionUnit 3).
        case centimetre
        /// No absolute unit (TIFF ResolutionUnit 1): only the aspect ratio is known.
        case none
    }

    /// Horizontal density in pixels per `unit`.
    public var x: Double
    /// Vertical density in pixels per `unit`.
    public var y: Double
    /// The unit of `x` and `y`.
    public var unit: Unit

    /// Creates a resolution.
    public init(x: Double, y: Double, unit: Unit) {
        self.x = x
        self.y = y
        self.unit = unit
    }

    /// The densities in pixels per metre, as iipsrv's OBJ `dpi` reports them (iipsrv-reference §3.1).
    public var pixelsPerMetre: (x: Double, y: Double) {
        switch unit {
        case .inch: (x / 0.0254, y / 0.0254)
        case .centimetre: (x * 100, y * 100)
        case .none: (x, y)
        }
    }
}
