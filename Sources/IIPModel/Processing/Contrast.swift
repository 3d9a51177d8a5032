/// The CNT setting: a contrast multiplier or a histogram operation (iipsrv-reference §2.1, §6.4).
public enum Contrast: Sendable, Hashable {
    /// Multiply normalised values by this factor (1 leaves the image unchanged).
    case factor(Double)
    /// Stretch the histogram's occupied range to the full output range.
    case stretch
    /// Histogram equalisation.
    case equalization
}
