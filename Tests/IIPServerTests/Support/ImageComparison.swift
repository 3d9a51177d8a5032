import Foundation
import IIPImaging

/// Pixel comparison of two decoded images.
enum ImageComparison {
    /// Peak signal-to-noise ratio in dB over every sample; `infinity` when identical.
    static func psnr(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        precondition(a.bytes.count == b.bytes.count, "images differ in size")
        var squared = 0.0
        for index in a.bytes.indices {
            let difference = Double(a.bytes[index]) - Double(b.bytes[index])
            squared += difference * difference
        }
        guard squared > 0 else { return .infinity }
        let meanSquared = squared / Double(a.bytes.count)
        return 10 * log10(255 * 255 / meanSquared)
    }

    /// PSNR of the luma of two 8-bit pictures of the same size (grey pictures: their first band): JPEG, WebP and
    /// lossy AVIF keep luma at full resolution (chroma is subsampled 4:2:0), so luma shows whether the pixels are
    /// the right ones.
    static func lumaPSNR(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        func luma(_ pixels: PixelBuffer) -> [Double] {
            stride(from: 0, to: pixels.bytes.count, by: pixels.channels).map { index in
                guard pixels.channels >= 3 else { return Double(pixels.bytes[index]) }
                return 0.299 * Double(pixels.bytes[index]) + 0.587 * Double(pixels.bytes[index + 1]) + 0.114
                    * Double(pixels.bytes[index + 2])
            }
        }
        let (x, y) = (luma(a), luma(b))
        precondition(x.count == y.count, "images differ in size")
        let squared = zip(x, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        guard squared > 0 else { return .infinity }
        return 10 * log10(255 * 255 / (squared / Double(x.count)))
    }

    /// Decodes a JPEG response body.
    static func decodeJPEG(_ body: [UInt8]) throws -> PixelBuffer {
        try JPEGDecoder().decode(body)
    }
}
