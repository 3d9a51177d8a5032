/// The COL setting (iipsrv-reference §2.1).
public enum ColorConversion: Sendable, Hashable {
    /// sRGB to one grey band with Rec. 709 weights.
    case grey
    /// Bi-level output at the Otsu threshold of the image histogram.
    case binary
}
