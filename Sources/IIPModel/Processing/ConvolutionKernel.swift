/// The CNV setting: a square, odd-sized convolution kernel of at most 5x5 (iipsrv-reference §2.1).
public struct ConvolutionKernel: Sendable, Hashable {
    /// Coefficients, row-major; `size * size` of them.
    public var coefficients: [Double]
    /// Side length: 3 or 5 (1 is accepted and is a scale).
    public var size: Int

    /// Creates a kernel from row-major coefficients, or `nil` when their count is not 1, 9 or 25.
    public init?(coefficients: [Double]) {
        let side = Int(Double(coefficients.count).squareRoot())
        guard side * side == coefficients.count, side % 2 == 1, side <= 5 else { return nil }
        self.coefficients = coefficients
        self.size = side
    }

    /// A predefined kernel by name, case-insensitive: master's coefficients (its Prewitt kernel is the mirror of
    /// Sobel's sign convention, its Laplacian the eight-neighbour one).
    public static func named(_ name: String) -> ConvolutionKernel? {
        let values: [Double]? =
            switch name.lowercased() {
            case "sobel": [-1, 0, 1, -2, 0, 2, -1, 0, 1]
            case "prewitt": [1, 0, -1, 1, 0, -1, 1, 0, -1]
            case "scharr": [-3, 0, 3, -10, 0, 10, -3, 0, 3]
            case "laplace": [-1, -1, -1, -1, 8, -1, -1, -1, -1]
            case "gaussian": [1, 2, 1, 2, 4, 2, 1, 2, 1]
            case "sharpen": [0, -1, 0, -1, 5, -1, 0, -1, 0]
            case "emboss": [-2, -1, 0, -1, 1, 1, 0, 1, 2]
            default: nil
            }
        return values.flatMap { ConvolutionKernel(coefficients: $0) }
    }
}
