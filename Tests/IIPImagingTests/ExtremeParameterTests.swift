import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// Processing with parameter values a request (or a caller bypassing the parser) can carry: NaN, infinities,
/// the largest and smallest doubles, zero, negative and enormous sizes. Every call must return a consistent buffer
/// or throw an ``ImagingError``, never trap, and never allocate what a limit refuses.
@Suite struct ExtremeParameterTests {
    /// Angles in degrees.
    static let angles: [Double] = [
        .nan, -.nan, .infinity, -.infinity, 1e308, -1e308, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1e-300, 0, -0.0, 45, 90, -90, 359.999_999_999, 360, 720.5,
        9.3e18, -9.3e18,
    ]
    /// Processing factors and exponents.
    static let factors: [Double] = [
        .nan, .infinity, -.infinity, 1e308, -1e308, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 0, -0.0, 1, -1,
        0.5, 9.3e18,
    ]
    /// Output sizes.
    static let sizes: [Int] = [Int.min, -1, 0, 1, 2, 7, 1 << 16, 1 << 31, 1 << 40, Int.max]

    private static func picture(width: Int = 13, height: Int = 9, channels: Int = 3) -> PixelBuffer {
        TestPattern.render(width: width, height: height, channels: channels, seed: 7)
    }

    // MARK: Rotation

    @Test(arguments: angles)
    func normalizedDegrees(degrees: Double) {
        let angle = Rotation.normalized(degrees)
        #expect(angle >= 0 && angle < 360)
        if !degrees.isFinite { #expect(angle == 0) }
    }

    @Test func normalizedDegreesAreExact() {
        #expect(Rotation.normalized(-90) == 270)
        #expect(Rotation.normalized(720.5) == 0.5)
        #expect(Rotation.normalized(1e308) == 1e308.truncatingRemainder(dividingBy: 360))
        #expect(Rotation.normalized(-.leastNonzeroMagnitude) == 0)
        #expect(Rotation.normalized(.leastNonzeroMagnitude) == .leastNonzeroMagnitude)
        #expect(Rotation.normalized(-0.0) == 0)
    }

    @Test(arguments: angles)
    func boundingSizeIsTotal(degrees: Double) {
        for (width, height) in [(13, 9), (0, 0), (-5, 3), (1, 1_000_000), (Int.max, Int.max), (Int.min, Int.max)] {
            let size = ArbitraryRotation.boundingSize(width: width, height: height, degrees: degrees)
            #expect(size.width >= 1 && size.height >= 1)
            if width == 13 && height == 9 {
                #expect(size.width <= 22 && size.height <= 22, "\(degrees): \(size)")
            }
        }
        let huge = ArbitraryRotation.boundingSize(width: .max, height: .max, degrees: 45)
        #expect(huge.width == .max && huge.height == .max)
    }

    @Test(arguments: angles)
    func rotateAnyAngle(degrees: Double) throws {
        let pixels = Self.picture()
        for transparent in [false, true] {
            let legacy = ArbitraryRotation.rotate(pixels, degrees: degrees, transparent: transparent)
            #expect(legacy.isConsistent)
            do {
                let rotated = try ArbitraryRotation.rotate(
                    pixels, degrees: degrees, transparent: transparent, maxBytes: 1 << 20)
                #expect(degrees.isFinite)
                let expected = ArbitraryRotation.boundingSize(width: 13, height: 9, degrees: degrees)
                #expect(rotated.width == expected.width && rotated.height == expected.height)
                #expect(rotated.channels == (transparent ? 4 : 3) && rotated.isConsistent)
                #expect(legacy == rotated)
            } catch {
                #expect(!degrees.isFinite)
                #expect(error == .invalidParameter("rotation by \(degrees) degrees"))
                #expect(legacy == pixels, "the non-throwing form leaves the pixels as they are")
            }
        }
    }

    @Test func rotationOfAThinStripIsBounded() throws {
        // 1 x 2,000,000 turned by 45 degrees needs a 1.4-million-pixel-square box: refused before allocating.
        let strip = PixelBuffer(width: 1, height: 2_000_000, channels: 1)
        #expect(throws: ImagingError.self) {
            try ArbitraryRotation.rotate(strip, degrees: 45, transparent: false, maxBytes: 64 << 20)
        }
        let legacy = ArbitraryRotation.rotate(strip, degrees: 45, transparent: true)
        #expect(legacy.width == 0 && legacy.height == 0 && legacy.bytes.isEmpty)
        // Not 8-bit, inconsistent and empty buffers.
        let wide = PixelBuffer(width: 2, height: 2, channels: 1, bitsPerSample: 16)
        #expect(throws: ImagingError.self) {
            try ArbitraryRotation.rotate(wide, degrees: 30, transparent: false, maxBytes: 1 << 20)
        }
        #expect(ArbitraryRotation.rotate(wide, degrees: 30, transparent: false) == wide)
        var broken = Self.picture()
        broken.width = Int.max
        #expect(throws: ImagingError.self) {
            try ArbitraryRotation.rotate(broken, degrees: 30, transparent: false, maxBytes: 1 << 20)
        }
        let empty = PixelBuffer(width: 0, height: 0, channels: 3)
        let turned = try ArbitraryRotation.rotate(empty, degrees: 30, transparent: true, maxBytes: 1 << 20)
        #expect(turned.isConsistent && turned.width == 1 && turned.height == 1 && turned.channels == 4)
    }

    @Test(arguments: angles)
    func quarterTurnsWithAnyAngle(degrees: Double) {
        let pixels = Self.picture()
        for mirrored in [false, true] {
            let turned = Orientation.apply(Rotation(degrees: degrees, mirrored: mirrored), to: pixels)
            #expect(turned.isConsistent && turned.bytes.count == pixels.bytes.count)
        }
    }

    // MARK: Resampling

    @Test(arguments: sizes, sizes)
    func resizeToAnySize(width: Int, height: Int) throws {
        let pixels = Self.picture()
        let limit = 1 << 20
        for method in [Resampler.Method.nearest, .bilinear] {
            let legacy = Resampler.resize(pixels, width: width, height: height, method: method)
            #expect(legacy.isConsistent)
            do {
                let resized = try Resampler.resize(
                    pixels, width: width, height: height, method: method, maxBytes: limit)
                #expect(resized.width == width && resized.height == height && resized.isConsistent)
                #expect(resized.bytes.count <= limit)
            } catch {
                switch error {
                case .invalidParameter: #expect(width < 0 || height < 0)
                case .tooLarge:
                    // The output (3 bytes a pixel) or the scratch space ((width + height) x 72 bytes) is too big.
                    let output = Double(width) * Double(height) * 3
                    let scratch = (Double(width) + Double(height)) * 72
                    #expect(output > Double(limit) || scratch > Double(limit), "\(width)x\(height)")
                default: Issue.record("unexpected \(error)")
                }
            }
        }
    }

    @Test func resizeEdgeCases() throws {
        // An empty source gives black; a zero-sized target gives an empty buffer.
        let empty = PixelBuffer(width: 0, height: 0, channels: 3)
        for method in [Resampler.Method.nearest, .bilinear] {
            let grown = try Resampler.resize(empty, width: 4, height: 3, method: method, maxBytes: 1 << 20)
            #expect(grown.width == 4 && grown.height == 3 && grown.bytes.allSatisfy { $0 == 0 })
            let flat = try Resampler.resize(Self.picture(), width: 0, height: 5, method: method, maxBytes: 1 << 20)
            #expect(flat.width == 0 && flat.height == 5 && flat.bytes.isEmpty)
            let none = try Resampler.resize(
                PixelBuffer(width: 3, height: 3, channels: 0), width: 5, height: 5, method: method, maxBytes: 1 << 20)
            #expect(none.isConsistent && none.channels == 0)
        }
        // Other samples and inconsistent buffers are refused by the throwing form, emptied by the other.
        let sixteen = PixelBuffer(width: 4, height: 4, channels: 1, bitsPerSample: 16)
        #expect(throws: ImagingError.self) {
            try Resampler.resize(sixteen, width: 2, height: 2, method: .bilinear, maxBytes: 1 << 20)
        }
        #expect(Resampler.resize(sixteen, width: 2, height: 2, method: .bilinear).bytes.isEmpty)
        var broken = Self.picture()
        broken.bytes.removeLast()
        #expect(throws: ImagingError.self) {
            try Resampler.resize(broken, width: 2, height: 2, method: .nearest, maxBytes: 1 << 20)
        }
        // A one-row target as wide as the limit allows still needs scratch space: refused, not allocated.
        #expect(throws: ImagingError.self) {
            try Resampler.resize(Self.picture(), width: 100_000_000, height: 1, method: .bilinear, maxBytes: 1 << 30)
        }
    }

    // MARK: Floating-point chain

    /// Buffers of every sample type the chain takes.
    private static var sampleBuffers: [PixelBuffer] {
        let floats: [Float] = [.nan, .infinity, -.infinity, 0, 1, -1, .greatestFiniteMagnitude, 0.5, 2, 3, 4, 5]
        return [
            picture(width: 4, height: 3, channels: 3),
            buffer16(width: 2, height: 2, channels: 3, (0..<12).map { UInt16($0 * 5000) }),
            buffer(width: 2, height: 2, channels: 3, bits: 32, format: .floatingPoint, floats),
            buffer(width: 3, height: 2, channels: 2, bits: 32, format: .signedInteger, (0..<12).map { Int32($0) - 6 }),
        ]
    }

    @Test(arguments: factors)
    func processingWithAnyFactor(value: Double) throws {
        let twists: [[[Double]]] = [
            [[value, value, value]], [[value], [], [1, 2, 3, 4, 5]], [[.nan, .infinity, -.infinity]],
            Array(repeating: [value], count: 7),
        ]
        var settings: [ImageProcessing] = []
        for twist in twists {
            var processing = ImageProcessing()
            processing.contrast = .factor(value)
            processing.gamma = .exponent(value)
            processing.colorTwist = twist
            settings.append(processing)
        }
        var other = ImageProcessing()
        other.gamma = .logarithm
        other.invert = true
        other.colorMap = .jet
        other.convolution = ConvolutionKernel(coefficients: Array(repeating: value, count: 9))
        other.sampleRanges = [
            SampleRange(channel: nil, minimum: value, maximum: -value),
            SampleRange(channel: -1, minimum: 0, maximum: 1),
            SampleRange(channel: Int.max, minimum: 0, maximum: 1),
            SampleRange(channel: Int.min, minimum: value, maximum: value),
            SampleRange(channel: 0, minimum: value, maximum: .nan),
        ]
        other.shade = LightDirection(horizontal: Int.max, vertical: Int.min)
        settings.append(other)
        var shaded = ImageProcessing()
        shaded.shade = LightDirection(horizontal: Int.min, vertical: Int.max)
        shaded.colorMap = .hot
        settings.append(shaded)

        for pixels in Self.sampleBuffers {
            for processing in settings {
                for range in [
                    ([], []), ([value], [value]), ([-Double.infinity], [Double.nan]), ([0, 0, 0, 0], [0, 0, 0, 0]),
                ] as [([Double], [Double])] {
                    let result = try FloatPipeline.apply(
                        pixels, processing: processing, minimum: range.0, maximum: range.1, maxBytes: 1 << 20)
                    #expect(result.isConsistent && result.bitsPerSample == 8)
                    #expect(result.width == pixels.width && result.height == pixels.height)
                    let legacy = FloatPipeline.apply(pixels, processing: processing, minimum: range.0, maximum: range.1)
                    #expect(legacy == result)
                }
                let reduced = BitDepthReduction.to8Bit(pixels, minimum: [value, -.infinity], maximum: [.nan, value])
                #expect(reduced.isConsistent && reduced.bitsPerSample == 8)
            }
        }
    }

    @Test func processingRefusals() throws {
        let pixels = Self.picture(width: 256, height: 256)
        // A colour twist with thousands of rows would need gigabytes of floats.
        var wide = ImageProcessing()
        wide.colorTwist = Array(repeating: [1], count: 20000)
        #expect(throws: ImagingError.self) {
            try FloatPipeline.apply(pixels, processing: wide, minimum: [], maximum: [], maxBytes: 64 << 20)
        }
        #expect(FloatPipeline.apply(pixels, processing: wide, minimum: [], maximum: []).bytes.isEmpty)
        // A kernel whose public fields were set apart from its initialiser.
        var kernel = try #require(ConvolutionKernel.named("sobel"))
        for (size, count) in [(7, 9), (0, 0), (-3, 9), (4, 16), (Int.max, 9), (Int.min, 9), (17, 289)] {
            kernel.size = size
            kernel.coefficients = Array(repeating: 1, count: count)
            var processing = ImageProcessing()
            processing.convolution = kernel
            #expect(throws: ImagingError.self) {
                try FloatPipeline.apply(pixels, processing: processing, minimum: [], maximum: [], maxBytes: 64 << 20)
            }
        }
        // Pixels without channels, or whose bytes do not match.
        var processing = ImageProcessing()
        processing.colorMap = .hot
        for broken in [PixelBuffer(width: 4, height: 4, channels: 0), Self.picture().with { $0.height += 1 }] {
            #expect(throws: ImagingError.self) {
                try FloatPipeline.apply(broken, processing: processing, minimum: [], maximum: [], maxBytes: 1 << 20)
            }
            #expect(FloatPipeline.apply(broken, processing: processing, minimum: [], maximum: []).isConsistent)
            #expect(Histogram(broken).total == 0)
            #expect(BitDepthReduction.to8Bit(broken) == broken)
            #expect(GreyConversion.apply(broken) == broken)
            #expect(ChannelFlattening.flatten(broken) == broken)
            #expect(Orientation.apply(Rotation(degrees: 90), to: broken) == broken)
        }
    }

    // MARK: Buffers

    @Test func bufferSizes() throws {
        #expect(PixelBuffer.byteCount(width: 2, height: 3, channels: 4, bitsPerSample: 16) == 48)
        for (width, height, channels, bits) in [
            (-1, 1, 1, 8), (1, -1, 1, 8), (1, 1, -1, 8), (1, 1, 1, 0), (1, 1, 1, 12), (Int.max, 2, 1, 8),
            (Int.max, 1, 1, 16), (1 << 32, 1 << 32, 1, 8), (Int.min, Int.min, 1, 8),
        ] {
            #expect(PixelBuffer.byteCount(width: width, height: height, channels: channels, bitsPerSample: bits) == nil)
            #expect(throws: ImagingError.self) {
                try PixelBuffer.zeroed(width: width, height: height, channels: channels, bitsPerSample: bits)
            }
        }
        #expect(throws: ImagingError.tooLarge("a 1024x1024 buffer of 3x8-bit samples exceeds 1000000 bytes")) {
            try PixelBuffer.zeroed(width: 1024, height: 1024, channels: 3, maxBytes: 1_000_000)
        }
        #expect(try PixelBuffer.zeroed(width: 0, height: Int.max, channels: 3).bytes.isEmpty)
    }

    @Test func regionsWithExtremeOffsets() {
        let source = Self.picture()
        for (x, y) in [(Int.min, Int.min), (Int.max, Int.max), (Int.min, 0), (0, Int.max), (-12, -8), (12, 8)] {
            var target = PixelBuffer(width: 5, height: 5, channels: 3)
            let copied = target.blit(source, atX: x, y: y)
            #expect(copied)
            #expect(target.isConsistent)
            let crop = source.cropped(x: x, y: y, width: 4, height: 4)
            #expect(crop.width == 4 && crop.height == 4 && crop.isConsistent)
        }
        for (width, height) in [(Int.min, 3), (-1, -1), (0, 0), (Int.max, Int.max), (1 << 40, 2)] {
            let crop = source.cropped(x: 0, y: 0, width: width, height: height)
            #expect(crop.isConsistent && crop.width <= source.width && crop.height <= source.height)
        }
        var target = PixelBuffer(width: 5, height: 5, channels: 1)
        let mismatched = target.blit(source, atX: 0, y: 0)
        #expect(!mismatched, "different layouts are refused, not copied")
        var broken = source
        broken.bytes = []
        let inconsistent = target.blit(broken, atX: 0, y: 0)
        #expect(!inconsistent)
        #expect(broken.cropped(x: 0, y: 0, width: 3, height: 3).bytes.isEmpty)
    }

    // MARK: Codecs

    @Test func decodingRespectsItsLimit() throws {
        let jpeg = try JPEGEncoder().encode(Self.picture(width: 64, height: 48))
        #expect(try JPEGDecoder().decode(jpeg, maxBytes: 64 * 48 * 3).width == 64)
        #expect(throws: ImagingError.self) { try JPEGDecoder().decode(jpeg, maxBytes: 64 * 48 * 3 - 1) }
        #expect(throws: ImagingError.self) { try JPEGLosslessCrop.crop(jpeg, width: Int.max, height: 16) }
        #expect(throws: ImagingError.self) { try JPEGLosslessCrop.crop(jpeg, width: 0, height: 16) }
    }

    @Test func pdfNumbersAreTotal() {
        #expect(PDFEncoder.number(.infinity) == "1000000000")
        #expect(PDFEncoder.number(.greatestFiniteMagnitude) == "1000000000")
        #expect(PDFEncoder.number(.nan) == "0")
        #expect(PDFEncoder.number(-5) == "0")
        #expect(PDFEncoder.number(.leastNonzeroMagnitude) == "0")
        // A file density of 1e-40 dpi: the page size clamps instead of overflowing.
        let tiny = EncodingMetadata(density: PhysicalResolution(x: 1e-40, y: 1e-40, unit: .inch))
        #expect(throws: Never.self) { try PDFEncoder().encode(Self.picture(), metadata: tiny) }
    }

    @Test func oversizedSegmentsAreLeftOut() {
        var output: [UInt8] = []
        JPEGSegments.appendSegment(0xFE, Array(repeating: 1, count: 70000), to: &output)
        #expect(output.isEmpty)
        JPEGSegments.appendSegment(0xFE, Array(repeating: 1, count: JPEGSegments.maxPayload), to: &output)
        #expect(output.count == JPEGSegments.maxPayload + 4)
    }

    @Test(arguments: [Int.min, -1, 0, 1, 101, Int.max])
    func encoderQualities(quality: Int) throws {
        let pixels = Self.picture()
        for format in ImageEncoders.writable {
            let encoder = try #require(ImageEncoders.make(format: format, quality: quality))
            #expect(try !encoder.encode(pixels, metadata: EncodingMetadata()).isEmpty, "\(format) at \(quality)")
            #expect(throws: ImagingError.self) {
                try encoder.encode(PixelBuffer(width: 0, height: 0, channels: 3), metadata: EncodingMetadata())
            }
        }
        for compression in TIFFOutputCompression.allCases {
            #expect(
                try !TIFFEncoder(compression: compression, quality: quality).encode(pixels, metadata: .init()).isEmpty)
        }
    }
}

extension PixelBuffer {
    /// A copy changed by `update`.
    fileprivate func with(_ update: (inout PixelBuffer) -> Void) -> PixelBuffer {
        var copy = self
        update(&copy)
        return copy
    }
}
