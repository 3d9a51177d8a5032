/// How pixels are resampled when a region is resized (INTERPOLATION, iipsrv-reference §9).
public enum Resampling: Sendable, Hashable {
    /// Nearest neighbour (INTERPOLATION=0).
    case nearest
    /// Bilinear (INTERPOLATION=1, the default).
    case bilinear
}
