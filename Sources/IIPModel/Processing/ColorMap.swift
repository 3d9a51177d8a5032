/// False-colour maps for single-band data (CMP, iipsrv-reference §6.3).
public enum ColorMap: String, Sendable, Hashable, CaseIterable {
    /// Black, red, yellow, white.
    case hot
    /// Black, blue, cyan, white.
    case cold
    /// Dark blue through cyan, yellow and red to dark red.
    case jet
    /// The value in the blue channel only.
    case blue
    /// The value in the green channel only.
    case green
    /// The value in the red channel only.
    case red
}
