/// One page of a multi-page TIFF stack (iipsrv-reference §7.1): a layer SDS or an IIIF page index selects, named
/// and scaled for OBJ=stack, SPECTRA and PFL.
public struct StackLayer: Sendable, Hashable {
    /// The layer's index, its SDS horizontal angle.
    public var index: Int
    /// The page's DocumentName, empty when it has none (SPECTRA and PFL then name the layer by its index).
    public var name: String
    /// The page's scale to physical units (TIFF STONITS), 1 when absent.
    public var scale: Double

    /// Creates a layer.
    public init(index: Int, name: String, scale: Double = 1) {
        self.index = index
        self.name = name
        self.scale = scale
    }
}
