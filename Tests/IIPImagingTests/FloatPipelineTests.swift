import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// iipsrv's floating-point chain: normalise, twist, gamma, invert, colour map, convolution, contrast.
@Suite struct FloatPipelineTests {
    static let ramp = buffer8(width: 256, height: 1, channels: 1, (0...255).map { UInt8($0) })

    private func run(
        _ pixels: PixelBuffer, minimum: [Double] = [], maximum: [Double] = [], _ update: (inout ImageProcessing) -> Void
    ) -> PixelBuffer {
        var processing = ImageProcessing()
        update(&processing)
        return FloatPipeline.apply(pixels, processing: processing, minimum: minimum, maximum: maximum)
    }

    @Test func noOperationIsIdentityOnEveryEightBitValue() {
        let output = run(Self.ramp) { _ in }
        #expect(output == Self.ramp)
    }

    // iipsrv-reference §6.3: gamma v' = max(v,0)^g, contrast truncates to 8 bits
    @Test func gamma() {
        let pixels = buffer8(width: 4, height: 1, channels: 1, [0, 64, 200, 255])
        #expect(run(pixels) { $0.gamma = .exponent(2) }.bytes == [0, 16, 156, 255])
        #expect(run(pixels) { $0.gamma = .exponent(0.5) }.bytes == [0, 127, 225, 255])
    }

    // iipsrv-reference §6.3: log v' = ln(1 + 255 v) / ln(256)
    @Test func logarithm() {
        let pixels = buffer8(width: 3, height: 1, channels: 1, [0, 100, 255])
        #expect(run(pixels) { $0.gamma = .logarithm }.bytes == [0, 212, 255])
    }

    // iipsrv-reference §6.3: invert is 1 - v (then truncated, so within one level of 255 - v)
    @Test func invert() {
        let output = run(Self.ramp) { $0.invert = true }
        #expect(output.bytes.first == 255)
        #expect(output.bytes.last == 0)
        for v in 0...255 {
            let inverted = Int(output.bytes[v])
            #expect(inverted <= 255 - v && inverted >= 254 - v, "invert(\(v)) = \(inverted)")
        }
        #expect(zip(output.bytes, output.bytes.dropFirst()).allSatisfy { $0 >= $1 })
    }

    // iipsrv-reference §6.2 step 3: gamma comes before invert
    @Test func gammaThenInvert() {
        let pixels = buffer16(width: 1, height: 1, channels: 1, [32768])
        #expect(
            run(pixels) {
                $0.gamma = .exponent(2)
                $0.invert = true
            }.bytes == [191])
    }

    // iipsrv-reference §6.1: out8 = clamp(v * 255 * c, 0, 255), truncated
    @Test func contrastFactor() {
        let pixels = buffer8(width: 5, height: 1, channels: 1, [0, 51, 73, 171, 200])
        #expect(run(pixels) { $0.contrast = .factor(1.5) }.bytes == [0, 76, 109, 255, 255])
        #expect(run(pixels) { $0.contrast = .factor(0) }.bytes == [0, 0, 0, 0, 0])
    }

    // iipsrv-reference §6.1: sixteen-bit data is normalised with the image's min/max (default 0...65535)
    @Test func sixteenBitNormalisation() {
        let pixels = buffer16(width: 3, height: 1, channels: 1, [0, 30000, 65535])
        #expect(run(pixels) { _ in }.bytes == [0, 116, 255])
        #expect(run(pixels, minimum: [0], maximum: [65535]) { $0.gamma = .exponent(1) }.bytes == [0, 116, 255])
        // The image's own range from SMin/SMaxSampleValue.
        let ranged = buffer16(width: 3, height: 1, channels: 1, [1000, 2000, 3000])
        #expect(run(ranged, minimum: [1000], maximum: [3000]) { _ in }.bytes == [0, 127, 255])
    }

    // iipsrv-reference §2.1 MINMAX: overrides the range of every channel or of one channel
    @Test func minMaxOverrides() {
        let pixels = buffer16(width: 6, height: 1, channels: 1, [500, 1000, 2000, 2500, 3000, 4000])
        let output = run(pixels, minimum: [0], maximum: [65535]) {
            $0.sampleRanges = [SampleRange(channel: nil, minimum: 1000, maximum: 3000)]
        }
        #expect(output.bytes == [0, 0, 127, 191, 255, 255])

        let rgb = buffer8(width: 1, height: 1, channels: 3, [200, 50, 10])
        let perChannel = run(rgb) { $0.sampleRanges = [SampleRange(channel: 1, minimum: 0, maximum: 100)] }
        #expect(perChannel.bytes == [200, 127, 10])
        let outOfRange = run(rgb) { $0.sampleRanges = [SampleRange(channel: 5, minimum: 0, maximum: 100)] }
        #expect(outOfRange.bytes == [200, 50, 10])
    }

    // iipsrv-reference §6.3 colour maps, on channel 0, output RGB
    @Test(
        arguments: [
            (ColorMap.hot, [0, 0, 0, 255, 95, 0, 255, 255, 255]),
            (ColorMap.cold, [0, 0, 0, 0, 95, 255, 255, 255, 255]),
            (ColorMap.jet, [0, 0, 127, 84, 255, 170, 127, 0, 0]),
            (ColorMap.red, [0, 0, 0, 116, 0, 0, 255, 0, 0]),
            (ColorMap.green, [0, 0, 0, 0, 116, 0, 0, 255, 0]),
            (ColorMap.blue, [0, 0, 0, 0, 0, 116, 0, 0, 255]),
        ] as [(ColorMap, [UInt8])])
    func colourMaps(map: ColorMap, expected: [UInt8]) {
        let pixels = buffer16(width: 3, height: 1, channels: 1, [0, 30000, 65535])
        let output = run(pixels) { $0.colorMap = map }
        #expect(output.channels == 3)
        #expect(output.bytes == expected)
    }

    @Test func colourMapEndpointsOnEightBit() {
        let pixels = buffer8(width: 2, height: 1, channels: 1, [0, 255])
        #expect(run(pixels) { $0.colorMap = .hot }.bytes == [0, 0, 0, 255, 255, 255])
        #expect(run(pixels) { $0.colorMap = .cold }.bytes == [0, 0, 0, 255, 255, 255])
        #expect(run(pixels) { $0.colorMap = .jet }.bytes == [0, 0, 127, 127, 0, 0])
        // Invert comes before the colour map.
        #expect(
            run(pixels) {
                $0.invert = true
                $0.colorMap = .hot
            }.bytes == [255, 255, 255, 0, 0, 0])
    }

    // iipsrv-reference §6.3: twist out_k = sum_j M[k][j] in_j, and the channel count follows the matrix
    @Test func twist() {
        let rgb = buffer8(width: 1, height: 1, channels: 3, [100, 200, 50])
        let mean = run(rgb) { $0.colorTwist = [[0.25, 0.25, 0.25]] }
        #expect(mean.channels == 1)
        #expect(mean.bytes == [87])
        let swapped = run(rgb) { $0.colorTwist = [[0, 0, 1], [0, 1, 0], [1, 0, 0]] }
        #expect(swapped.channels == 3)
        #expect(swapped.bytes == [50, 200, 100])
        let two = run(rgb) { $0.colorTwist = [[1, 0, 0], [0, 0, 1]] }
        #expect(two.channels == 2)
        #expect(two.bytes == [100, 50])
    }

    // iipsrv-reference §6.3: convolution, edge-extended, divided by the kernel sum when it is positive
    @Test(arguments: [3, 5])
    func identityKernelIsIdentity(size: Int) throws {
        var coefficients = [Double](repeating: 0, count: size * size)
        coefficients[size * size / 2] = 1
        let kernel = try #require(ConvolutionKernel(coefficients: coefficients))
        let pixels = TestPattern.render(width: 23, height: 11, channels: 3, seed: 9)
        #expect(run(pixels) { $0.convolution = kernel } == pixels)
        let scaled = try #require(ConvolutionKernel(coefficients: coefficients.map { $0 * 4 }))
        #expect(run(pixels) { $0.convolution = scaled } == pixels)
    }

    // iipsrv-reference §6.3, as master computes it: each single-precision product summed in double precision, then
    // divided by the kernel's sum in double precision
    @Test func convolutionSumsProductsInDoublePrecision() throws {
        var random = TestPattern.Generator(seed: 0xC0)
        let pixels = buffer8(width: 64, height: 4, channels: 1, (0..<256).map { _ in UInt8(random.next() % 256) })
        let weights: [Float] = [1, 2, 1, 2, 4, 2, 1, 2, 1]
        let kernel = try #require(ConvolutionKernel(coefficients: weights.map(Double.init)))
        let output = run(pixels) { $0.convolution = kernel }
        var expected: [UInt8] = []
        for y in 0..<4 {
            for x in 0..<64 {
                var sum = 0.0
                for ky in 0..<3 {
                    for kx in 0..<3 {
                        let sample = pixels.bytes[min(max(y + ky - 1, 0), 3) * 64 + min(max(x + kx - 1, 0), 63)]
                        sum += Double(weights[ky * 3 + kx] * (Float(sample) * Float(1 / 255.0)))
                    }
                }
                expected.append(UInt8(min(max(Float(sum / 16) * 255, 0), 255)))
            }
        }
        #expect(output.bytes == expected)
    }

    @Test func convolutionExtendsEdges() throws {
        let right = try #require(ConvolutionKernel(coefficients: [0, 0, 0, 0, 0, 1, 0, 0, 0]))
        let pixels = buffer8(width: 4, height: 2, channels: 1, [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(run(pixels) { $0.convolution = right }.bytes == [2, 3, 4, 4, 6, 7, 8, 8])
        let down = try #require(ConvolutionKernel(coefficients: [0, 0, 0, 0, 0, 0, 0, 1, 0]))
        #expect(run(pixels) { $0.convolution = down }.bytes == [5, 6, 7, 8, 5, 6, 7, 8])
        // A negative sum is not divided: -v clamps to 0.
        let negative = try #require(ConvolutionKernel(coefficients: [0, 0, 0, 0, -1, 0, 0, 0, 0]))
        #expect(run(pixels) { $0.convolution = negative }.bytes == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func kernelShapes() {
        #expect(ConvolutionKernel(coefficients: [1, 2, 3, 4]) == nil)
        #expect(ConvolutionKernel(coefficients: Array(repeating: 1, count: 49)) == nil)
        #expect(ConvolutionKernel(coefficients: Array(repeating: 1, count: 25))?.size == 5)
        #expect(ConvolutionKernel.named("SOBEL")?.coefficients == [-1, 0, 1, -2, 0, 2, -1, 0, 1])
        #expect(ConvolutionKernel.named("nothing") == nil)
    }

    // iipsrv-reference §6.3 hill-shading: black stays 0; output is one channel
    @Test func shadeGivesOneChannel() {
        let pixels = buffer8(width: 2, height: 1, channels: 3, [0, 0, 0, 128, 128, 255])
        let output = run(pixels) { $0.shade = LightDirection(horizontal: 0, vertical: 90) }
        #expect(output.channels == 1)
        #expect(output.bytes[0] == 0)
        // Light (0, 1, -1)/√2; normal (-0.0039, -0.0039, -1): 0.5 * 0.7043 * 255 = 89.8 -> 89.
        #expect(output.bytes[1] == 89)
    }

    @Test func needsFloatPipeline() {
        #expect(!ImageProcessing().needsFloatPipeline)
        var processing = ImageProcessing()
        processing.rotation = Rotation(degrees: 90)
        #expect(!processing.needsFloatPipeline)
        processing.invert = true
        #expect(processing.needsFloatPipeline)
    }
}
