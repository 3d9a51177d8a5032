import Foundation
import IIPModel
import IIPTestSupport
import NIOConcurrencyHelpers

@testable import IIPImaging

/// Helpers shared by the imaging tests: expected pictures, PSNR and sample access.
enum Expected {
    /// The seed `Fixtures.make` uses for a fixture name (the run's seed plus a per-name offset).
    static func seed(_ name: String) -> UInt64 {
        Fixtures.seed(for: name)
    }

    private static let rendered = NIOLockedValueBox<[String: PixelBuffer]>([:])

    /// The full-resolution picture `Fixtures.make(spec)` writes (rendered once per name).
    static func picture(_ spec: FixtureSpec) -> PixelBuffer {
        if let known = rendered.withLockedValue({ $0[spec.name] }) { return known }
        let pixels = TestPattern.render(
            width: spec.width, height: spec.height, channels: spec.channels, bits: spec.bits, seed: seed(spec.name))
        rendered.withLockedValue { $0[spec.name] = pixels }
        return pixels
    }

    /// The written levels, full resolution first, each the previous one halved as the writer does.
    static func levels(_ spec: FixtureSpec, count: Int) -> [PixelBuffer] {
        var levels = [picture(spec)]
        while levels.count < count, let last = levels.last { levels.append(PyramidTIFFWriter.halve(last)) }
        return levels
    }
}

/// Peak signal-to-noise ratio in dB over 8-bit samples; infinity when identical.
func psnr(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
    precondition(a.bytes.count == b.bytes.count && a.bitsPerSample == 8 && b.bitsPerSample == 8)
    var sum = 0.0
    for index in a.bytes.indices {
        let difference = Double(a.bytes[index]) - Double(b.bytes[index])
        sum += difference * difference
    }
    guard sum > 0 else { return .infinity }
    let mse = sum / Double(a.bytes.count)
    return 10 * log10(255 * 255 / mse)
}

/// PSNR of the Rec. 709 luma of two 8-bit RGB (or grey) buffers: what chroma subsampling leaves intact.
func lumaPSNR(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
    psnr(GreyConversion.apply(a), GreyConversion.apply(b))
}

/// An 8-bit buffer from rows of samples.
func buffer8(width: Int, height: Int, channels: Int, _ samples: [UInt8]) -> PixelBuffer {
    PixelBuffer(width: width, height: height, channels: channels, bytes: samples)
}

/// A 16-bit buffer (machine byte order) from samples.
func buffer16(width: Int, height: Int, channels: Int, _ samples: [UInt16]) -> PixelBuffer {
    var bytes = [UInt8]()
    for sample in samples { withUnsafeBytes(of: sample) { bytes.append(contentsOf: $0) } }
    return PixelBuffer(width: width, height: height, channels: channels, bitsPerSample: 16, bytes: bytes)
}

/// A buffer of other sample types (machine byte order).
func buffer<T>(width: Int, height: Int, channels: Int, bits: Int, format: SampleFormat, _ samples: [T]) -> PixelBuffer {
    var bytes = [UInt8]()
    for sample in samples { withUnsafeBytes(of: sample) { bytes.append(contentsOf: $0) } }
    return PixelBuffer(
        width: width, height: height, channels: channels, bitsPerSample: bits, sampleFormat: format, bytes: bytes)
}

/// The samples of a 16-bit buffer.
func samples16(_ pixels: PixelBuffer) -> [UInt16] {
    pixels.bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
}
