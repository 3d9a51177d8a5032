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

    /// Decodes a JPEG response body.
    static func decodeJPEG(_ body: [UInt8]) throws -> PixelBuffer {
        try JPEGDecoder().decode(body)
    }
}
