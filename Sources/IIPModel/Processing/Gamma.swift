/// The GAM setting (iipsrv-reference §2.1, §6.3).
public enum Gamma: Sendable, Hashable {
    /// `out = in ^ exponent` on normalised values.
    case exponent(Double)
    /// `out = ln(1 + 255 in) / ln(256)`.
    case logarithm
}
