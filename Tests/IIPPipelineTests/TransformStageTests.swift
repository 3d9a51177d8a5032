import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPPipeline

/// The transform stage's choice of path for histogram operations and floats (iipsrv-reference §6.1, §6.2, §6.4).
@Suite struct TransformStageTests {
    static func description(bits: Int, format: SampleFormat = .unsignedInteger, range: (Double, Double)? = nil)
        -> ImageDescription
    {
        ImageDescription(
            levels: [PyramidLevel(width: 256, height: 1, tileWidth: 256, tileHeight: 256)], channels: 1,
            bitsPerSample: bits, sampleFormat: format, colorSpace: .greyscale, minValues: range.map { [$0.0] },
            maxValues: range.map { [$0.1] })
    }

    static func run(
        _ pixels: PixelBuffer, _ image: ImageDescription, histogram: Histogram,
        _ update: (inout ImageProcessing) -> Void
    ) throws -> PixelBuffer {
        var processing = ImageProcessing()
        update(&processing)
        let settings = TransformStage.Settings(image: image, processing: processing, histogram: histogram)
        return try TransformStage().run(pixels, settings: settings)
    }

    // §6.1, §6.4: master equalises the 8-bit pixels, which 16-bit samples reach by their top byte, whatever the
    // image's sample range (the floating-point chain would normalise them with it).
    @Test func equalisationOfWideSamplesTakesTheirTopByte() throws {
        let samples = (0..<256).map { UInt16($0 * 97 % 256) << 8 | UInt16($0) }
        let pixels = PixelBuffer(
            width: 256, height: 1, channels: 1, bitsPerSample: 16,
            bytes: samples.withUnsafeBytes { Array($0) })
        var histogram = Histogram(PixelBuffer(width: 0, height: 0, channels: 1))
        for level in 40..<200 { histogram.bins[level] = level % 7 + 1 }
        let image = Self.description(bits: 16, range: (1000, 30000))
        let output = try Self.run(pixels, image, histogram: histogram) { $0.contrast = .equalization }
        let table = histogram.equalizationTable(pixelCount: 256)
        #expect(output.bytes == samples.map { table[Int($0 >> 8)] })
    }

    // §6.1: float samples always take the floating-point chain, so a bi-level or equalised answer sees master's
    // normalisation of them (the reduction for tiles without processing rounds differently near a level).
    @Test func floatsTakeTheFloatingPointChain() throws {
        let values = (0..<256).map { Float(-2) + Float($0) * 7 / 255 }
        let pixels = PixelBuffer(
            width: 256, height: 1, channels: 1, bitsPerSample: 32, sampleFormat: .floatingPoint,
            bytes: values.withUnsafeBytes { Array($0) })
        let image = Self.description(bits: 32, format: .floatingPoint, range: (-2, 5))
        let chain = FloatPipeline.apply(pixels, processing: ImageProcessing(), minimum: [-2], maximum: [5])
        // The two reductions differ on these values, so the path shows.
        #expect(BitDepthReduction.to8Bit(pixels, minimum: [-2], maximum: [5]).bytes != chain.bytes)
        var histogram = Histogram(PixelBuffer(width: 0, height: 0, channels: 1))
        histogram.bins[100] = 1
        let output = try Self.run(pixels, image, histogram: histogram) { $0.contrast = .equalization }
        let table = histogram.equalizationTable(pixelCount: 256)
        #expect(output.bytes == chain.bytes.map { table[Int($0)] })
        let plain = try Self.run(pixels, image, histogram: histogram) { _ in }
        #expect(plain.bytes == chain.bytes)
    }

    // §6.4: the stretch range is the histogram's first and last occupied levels, shifted to the depth of integer
    // samples and taken as they are for floats (master and 1.1 alike, so a float image in -2...5 stretched by the
    // levels 10...200 is black).
    @Test func stretchScalesLevelsToIntegerDepthsOnly() throws {
        var histogram = Histogram(PixelBuffer(width: 0, height: 0, channels: 1))
        histogram.bins[10] = 5
        histogram.bins[200] = 5
        let samples = [UInt16(10 << 8), UInt16(105 << 8), UInt16(200 << 8)]
        let wide = PixelBuffer(
            width: 3, height: 1, channels: 1, bitsPerSample: 16, bytes: samples.withUnsafeBytes { Array($0) })
        let stretched = try Self.run(wide, Self.description(bits: 16), histogram: histogram) { $0.contrast = .stretch }
        #expect(stretched.bytes == [0, 127, 255])
        let floats = PixelBuffer(
            width: 3, height: 1, channels: 1, bitsPerSample: 32, sampleFormat: .floatingPoint,
            bytes: [Float(-2), 1.5, 5].withUnsafeBytes { Array($0) })
        let image = Self.description(bits: 32, format: .floatingPoint, range: (-2, 5))
        #expect(try Self.run(floats, image, histogram: histogram) { $0.contrast = .stretch }.bytes == [0, 0, 0])
    }
}
