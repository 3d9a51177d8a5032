/// How the bits of one sample are to be read.
public enum SampleFormat: Sendable, Hashable {
    /// Unsigned integers (TIFF SampleFormat 1).
    case unsignedInteger
    /// Two's-complement signed integers (TIFF SampleFormat 2).
    case signedInteger
    /// IEEE floating point (TIFF SampleFormat 3).
    case floatingPoint
}
