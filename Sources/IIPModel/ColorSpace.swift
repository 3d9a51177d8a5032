/// The colour space of an image's samples, as the IIP protocol reports it.
///
/// The raw values are the codes of the OBJ `colorspace` answer (iipsrv-reference §3.1).
public enum ColorSpace: Int, Sendable, Hashable {
    /// Single-band luminance (TIFF MinIsBlack or MinIsWhite).
    case greyscale = 1
    /// One-bit bi-level data, reported as greyscale.
    case binary = 2
    /// Red, green and blue, possibly with extra bands.
    case sRGB = 3
    /// CIE L*a*b*.
    case cieLAB = 4

    /// The code the OBJ `colorspace` line uses (1 grey, 3 RGB, 4 LAB); binary counts as grey.
    public var protocolCode: Int {
        self == .binary ? 1 : rawValue
    }
}
