import CAVIF
import IIPImaging
import Testing

/// What libavif decodes from an AVIF file.
struct DecodedAVIF {
    /// RGB or RGBA samples (libavif's YUV to RGB conversion); for 4:0:0 pictures, the luma plane as grey (with
    /// alpha when present).
    var pixels: PixelBuffer
    var yuvFormat: avifPixelFormat
    var depth: Int
    var matrixCoefficients: Int
    var fullRange: Bool
    var hasAlpha: Bool
    var icc: [UInt8]
    var xmp: [UInt8]
    var exif: [UInt8]
}

/// Decodes an AVIF from memory with libavif (its default decoder, dav1d in Debian).
func decodeAVIF(_ avif: [UInt8]) throws -> DecodedAVIF {
    let decoder = try #require(avifDecoderCreate())
    defer { avifDecoderDestroy(decoder) }
    let image = try #require(avifImageCreateEmpty())
    defer { avifImageDestroy(image) }
    let result = avif.withUnsafeBufferPointer { avifDecoderReadMemory(decoder, image, $0.baseAddress, $0.count) }
    try #require(result == AVIF_RESULT_OK, "avifDecoderReadMemory: \(String(cString: avifResultToString(result)))")
    let width = Int(image.pointee.width)
    let height = Int(image.pointee.height)
    let hasAlpha = image.pointee.alphaPlane != nil
    func bytes(_ data: avifRWData) -> [UInt8] {
        guard let pointer = data.data, data.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: data.size))
    }
    var pixels: PixelBuffer
    if image.pointee.yuvFormat == AVIF_PIXEL_FORMAT_YUV400 {
        let channels = hasAlpha ? 2 : 1
        pixels = PixelBuffer(width: width, height: height, channels: channels)
        let luma = try #require(image.pointee.yuvPlanes.0)
        let stride = Int(image.pointee.yuvRowBytes.0)
        for y in 0..<height {
            for x in 0..<width {
                pixels.bytes[(y * width + x) * channels] = luma[y * stride + x]
                if hasAlpha, let alpha = image.pointee.alphaPlane {
                    pixels.bytes[(y * width + x) * channels + 1] = alpha[y * Int(image.pointee.alphaRowBytes) + x]
                }
            }
        }
    } else {
        var rgb = avifRGBImage()
        avifRGBImageSetDefaults(&rgb, image)
        rgb.depth = 8
        rgb.format = hasAlpha ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB
        let channels = hasAlpha ? 4 : 3
        pixels = PixelBuffer(width: width, height: height, channels: channels)
        rgb.rowBytes = UInt32(width * channels)
        let converted = pixels.bytes.withUnsafeMutableBufferPointer { buffer in
            rgb.pixels = buffer.baseAddress
            return avifImageYUVToRGB(image, &rgb)
        }
        try #require(converted == AVIF_RESULT_OK)
    }
    return DecodedAVIF(
        pixels: pixels, yuvFormat: image.pointee.yuvFormat, depth: Int(image.pointee.depth),
        matrixCoefficients: Int(image.pointee.matrixCoefficients), fullRange: image.pointee.yuvRange == AVIF_RANGE_FULL,
        hasAlpha: hasAlpha, icc: bytes(image.pointee.icc), xmp: bytes(image.pointee.xmp),
        exif: bytes(image.pointee.exif))
}
