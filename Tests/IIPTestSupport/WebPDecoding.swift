import CWebP
public import IIPImaging

/// WebP answers read back with libwebp and libwebpmux.
public enum WebPDecoding {
    /// Why a WebP could not be decoded.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String { "not a WebP file libwebp decodes" }
    }

    /// Decodes `webp` into RGB, or RGBA when `alpha`.
    public static func decode(_ webp: [UInt8], alpha: Bool = false) throws -> PixelBuffer {
        var width: Int32 = 0
        var height: Int32 = 0
        let decoded = webp.withUnsafeBufferPointer { buffer in
            alpha
                ? WebPDecodeRGBA(buffer.baseAddress, buffer.count, &width, &height)
                : WebPDecodeRGB(buffer.baseAddress, buffer.count, &width, &height)
        }
        guard let samples = decoded else { throw Failure() }
        defer { WebPFree(samples) }
        let channels = alpha ? 4 : 3
        let count = Int(width) * Int(height) * channels
        return PixelBuffer(
            width: Int(width), height: Int(height), channels: channels,
            bytes: Array(UnsafeBufferPointer(start: samples, count: count)))
    }

    /// The payload of the chunk `fourCC` (`"ICCP"`, `"XMP "`, `"EXIF"` ...), or `nil`.
    public static func chunk(_ webp: [UInt8], _ fourCC: String) -> [UInt8]? {
        webp.withUnsafeBufferPointer { buffer -> [UInt8]? in
            var data = WebPData(bytes: buffer.baseAddress, size: buffer.count)
            guard let mux = WebPMuxCreate(&data, 0) else { return nil }
            defer { WebPMuxDelete(mux) }
            var chunk = WebPData()
            guard WebPMuxGetChunk(mux, fourCC, &chunk) == WEBP_MUX_OK, let bytes = chunk.bytes else { return nil }
            return Array(UnsafeBufferPointer(start: bytes, count: chunk.size))
        }
    }
}
