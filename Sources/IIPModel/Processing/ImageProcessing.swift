/// Every per-request setting that changes pixels, gathered from IIP setters or IIIF qualities.
///
/// It is `Hashable` so that processed tiles can be cached under a key that includes it.
public struct ImageProcessing: Sendable, Hashable {
    /// CNT.
    public var contrast: Contrast = .factor(1)
    /// GAM.
    public var gamma: Gamma = .exponent(1)
    /// INV.
    public var invert = false
    /// CMP.
    public var colorMap: ColorMap?
    /// MINMAX overrides.
    public var sampleRanges: [SampleRange] = []
    /// SHD.
    public var shade: LightDirection?
    /// CTW.
    public var colorTwist: [[Double]]?
    /// COL.
    public var colorConversion: ColorConversion?
    /// CNV.
    public var convolution: ConvolutionKernel?
    /// ROT (mirror and quarter turns).
    public var rotation: Rotation = .none

    /// No processing.
    public init() {}

    /// Whether any setting that needs the floating-point pipeline is active (iipsrv-reference §6.1). Equalisation
    /// does not: master applies its table to the 8-bit pixels, so wider samples reach it by the fast reduction.
    public var needsFloatPipeline: Bool {
        contrast != .factor(1) && contrast != .equalization || gamma != .exponent(1) || invert || colorMap != nil
            || !sampleRanges.isEmpty || shade != nil || colorTwist != nil || convolution != nil
    }

    /// Whether the pixels come out as they went in.
    public var isIdentity: Bool {
        !needsFloatPipeline && contrast != .equalization && colorConversion == nil && rotation.isIdentity
    }
}
