import CPNG
public import IIPImaging

/// PNG answers decoded with libpng's simplified API, for tests that compare lossless output sample for sample.
public enum PNGDecoding {
    /// Why a PNG could not be decoded.
    public struct Failure: Error, CustomStringConvertible {
        /// libpng's message.
        public var description: String
    }

    /// Decodes `png` into `channels` channels (the file's own count when `nil`) of 8 or 16 bits (machine order).
    ///
    /// 16-bit output is linear and, with alpha, premultiplied by libpng.
    public static func decode(_ png: [UInt8], channels: Int? = nil, bits: Int = 8) throws -> PixelBuffer {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = png.withUnsafeBytes { raw in png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) }
        defer { png_image_free(&image) }
        guard begun != 0 else { throw Failure(description: message(image)) }
        let native = image.format
        let count =
            channels
            ?? (native & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1)
            + (native & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0)
        var format: UInt32 = 0
        if count == 2 || count == 4 { format |= UInt32(PNG_FORMAT_FLAG_ALPHA) }
        if count >= 3 { format |= UInt32(PNG_FORMAT_FLAG_COLOR) }
        if bits == 16 { format |= UInt32(PNG_FORMAT_FLAG_LINEAR) }
        image.format = format
        var output = PixelBuffer(
            width: Int(image.width), height: Int(image.height), channels: count, bitsPerSample: bits)
        let finished = output.bytes.withUnsafeMutableBytes { raw in
            png_image_finish_read(&image, nil, raw.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw Failure(description: message(image)) }
        return output
    }

    private static func message(_ image: png_image) -> String {
        var text = image.message
        return withUnsafeBytes(of: &text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
