import IIPImaging
import IIPTestSupport
import Testing

/// Nearest-neighbour and bilinear resizing of 8-bit pixels.
@Suite struct ResamplerTests {
    static let methods: [Resampler.Method] = [.nearest, .bilinear]

    @Test(arguments: methods, [(1, 1), (7, 3), (50, 40), (123, 17), (300, 200)])
    func outputHasTheRequestedSize(method: Resampler.Method, size: (Int, Int)) {
        let source = TestPattern.render(width: 61, height: 43, channels: 3, seed: 5)
        let output = Resampler.resize(source, width: size.0, height: size.1, method: method)
        #expect(output.width == size.0 && output.height == size.1 && output.channels == 3)
        #expect(output.bytes.count == size.0 * size.1 * 3)
    }

    @Test(arguments: methods)
    func constantImageStaysConstant(method: Resampler.Method) {
        let source = PixelBuffer(
            width: 13, height: 9, channels: 3, bytes: Array(repeating: [17, 200, 99], count: 13 * 9).flatMap { $0 })
        for (width, height) in [(5, 4), (26, 18), (40, 3), (1, 1)] {
            let output = Resampler.resize(source, width: width, height: height, method: method)
            #expect(output.bytes == Array(repeating: [17, 200, 99], count: width * height).flatMap { $0 })
        }
    }

    @Test(arguments: methods)
    func sameSizeIsUnchanged(method: Resampler.Method) {
        let source = TestPattern.render(width: 31, height: 17, channels: 1, seed: 3)
        #expect(Resampler.resize(source, width: 31, height: 17, method: method) == source)
    }

    @Test func bilinearHalvingOfACheckerIsMidGrey() {
        let side = 16
        let checker = (0..<(side * side)).map { index in ((index % side) + (index / side)) % 2 == 0 ? UInt8(0) : 255 }
        let source = PixelBuffer(width: side, height: side, channels: 1, bytes: checker)
        let output = Resampler.resize(source, width: side / 2, height: side / 2, method: .bilinear)
        #expect(output.bytes == Array(repeating: 128, count: (side / 2) * (side / 2)))
    }

    @Test func nearestDoublingRepeatsEachPixel() {
        let source = PixelBuffer(width: 3, height: 2, channels: 1, bytes: [1, 2, 3, 4, 5, 6])
        let output = Resampler.resize(source, width: 6, height: 4, method: .nearest)
        #expect(
            output.bytes == [
                1, 1, 2, 2, 3, 3,
                1, 1, 2, 2, 3, 3,
                4, 4, 5, 5, 6, 6,
                4, 4, 5, 5, 6, 6,
            ])
    }

    @Test func nearestHalvingPicksPixelCentres() {
        // Target pixel i covers source pixels 2i and 2i+1; its centre (2i+1) is sampled.
        let source = PixelBuffer(width: 4, height: 2, channels: 1, bytes: [10, 11, 12, 13, 20, 21, 22, 23])
        let output = Resampler.resize(source, width: 2, height: 1, method: .nearest)
        #expect(output.bytes == [21, 23])
    }

    @Test func bilinearInterpolatesBetweenNeighbours() {
        // A horizontal ramp 0, 100, 200 upscaled to 6 columns: centres at -0.25, 0.25, 0.75, 1.25, 1.75, 2.25.
        let source = PixelBuffer(width: 3, height: 1, channels: 1, bytes: [0, 100, 200])
        let output = Resampler.resize(source, width: 6, height: 1, method: .bilinear)
        #expect(output.bytes == [0, 25, 75, 125, 175, 200])
    }
}
