import CGIF
public import IIPModel

/// Encodes a single-frame GIF89a with giflib.
///
/// Takes 8-bit samples with 1 to 4 channels:
/// - grey uses a grey palette and keeps every level exactly;
/// - RGB is reduced to at most 256 colours by ``ColourQuantizer`` (exact when the image has few colours, median cut
///   otherwise), each pixel mapped to the nearest colour, without dithering;
/// - with alpha, pixels whose alpha is below 128 use one transparent palette entry (graphics control extension).
///   Grey + alpha gives up the least used grey level for it when all 256 occur.
///
/// GIF has no place for ICC, XMP or density; `metadata.software` goes into a comment extension.
public struct GIFEncoder: ImageEncoder {
    /// Creates an encoder.
    public init() {}

    /// The format written.
    public var format: OutputFormat { .gif }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("GIF", bits: [8], channels: 1...4, maxSide: OutputFormat.gif.maxSide)
        let (indices, palette, transparent) =
            pixels.channels <= 2 ? Self.greyIndices(pixels) : Self.colourIndices(pixels)
        return try Self.write(
            width: pixels.width, height: pixels.height, indices: indices, palette: palette, transparent: transparent,
            comment: metadata.software)
    }

    // MARK: Palettes

    private typealias Indexed = (indices: [UInt8], palette: [(r: UInt8, g: UInt8, b: UInt8)], transparent: Int?)

    private static func greyIndices(_ pixels: PixelBuffer) -> Indexed {
        let count = pixels.width * pixels.height
        let stride = pixels.channels
        var indices = [UInt8](repeating: 0, count: count)
        var palette = (0...255).map { (r: UInt8($0), g: UInt8($0), b: UInt8($0)) }
        var transparent: Int?
        pixels.bytes.withUnsafeBufferPointer { samples in
            var hasTransparency = false
            var histogram = [Int](repeating: 0, count: 256)
            for pixel in 0..<count {
                if stride == 2, samples[pixel * 2 + 1] < 128 {
                    hasTransparency = true
                } else {
                    histogram[Int(samples[pixel * stride])] += 1
                }
            }
            var remap = (0...255).map { UInt8($0) }
            if hasTransparency {
                // the least used level (the first unused one, if any) becomes transparent
                let freed = histogram.indices.min { histogram[$0] < histogram[$1] } ?? 0
                if histogram[freed] > 0 { remap[freed] = UInt8(freed == 255 ? 254 : freed + 1) }
                transparent = freed
                palette[freed] = (0, 0, 0)
            }
            for pixel in 0..<count {
                if let transparent, samples[pixel * 2 + 1] < 128 {
                    indices[pixel] = UInt8(transparent)
                } else {
                    indices[pixel] = remap[Int(samples[pixel * stride])]
                }
            }
        }
        return (indices, palette, transparent)
    }

    private static func colourIndices(_ pixels: PixelBuffer) -> Indexed {
        let count = pixels.width * pixels.height
        let stride = pixels.channels
        var indices = [UInt8](repeating: 0, count: count)
        var palette: [(r: UInt8, g: UInt8, b: UInt8)] = []
        var transparent: Int?
        pixels.bytes.withUnsafeBufferPointer { samples in
            let hasAlpha = stride == 4
            let opaque: (Int) -> Bool = { pixel in !hasAlpha || samples[pixel * 4 + 3] >= 128 }
            let hasTransparency = hasAlpha && !(0..<count).allSatisfy(opaque)
            let quantizer = ColourQuantizer(
                rgb: samples, stride: stride, maxColours: hasTransparency ? 255 : 256, isIncluded: opaque)
            palette = quantizer.palette
            if palette.isEmpty { palette = [(0, 0, 0)] }
            if hasTransparency {
                transparent = palette.count
                palette.append((0, 0, 0))
            }
            for pixel in 0..<count {
                if let transparent, !opaque(pixel) {
                    indices[pixel] = UInt8(transparent)
                } else {
                    indices[pixel] = quantizer.index(samples, pixel * stride)
                }
            }
        }
        return (indices, palette, transparent)
    }

    // MARK: giflib

    private final class Sink {
        var bytes: [UInt8] = []
    }

    private static func write(
        width: Int, height: Int, indices: [UInt8], palette: [(r: UInt8, g: UInt8, b: UInt8)], transparent: Int?,
        comment: String
    ) throws(ImagingError) -> [UInt8] {
        // giflib wants a power-of-two colour table of at least 2 entries
        var size = 2
        while size < palette.count { size *= 2 }
        var colours = palette.map { GifColorType(Red: $0.r, Green: $0.g, Blue: $0.b) }
        colours += Array(repeating: GifColorType(Red: 0, Green: 0, Blue: 0), count: size - colours.count)
        guard let map = GifMakeMapObject(Int32(size), colours) else { throw .encodeFailed("GIF: out of memory") }
        defer { GifFreeMapObject(map) }

        let sink = Sink()
        let output: OutputFunc = { file, bytes, length in
            guard let file, let user = file.pointee.UserData, length >= 0 else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            if length > 0, let bytes {
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: Int(length)))
            }
            return length
        }
        var error: Int32 = 0
        let status: Int32 = withExtendedLifetime(sink) {
            guard let gif = EGifOpen(Unmanaged.passUnretained(sink).toOpaque(), output, &error) else { return 0 }
            EGifSetGifVersion(gif, true)
            var ok =
                EGifPutScreenDesc(gif, Int32(width), Int32(height), Int32(map.pointee.BitsPerPixel), 0, map) == GIF_OK
            if ok, let transparent {
                var control = GraphicsControlBlock(
                    DisposalMode: DISPOSAL_UNSPECIFIED, UserInputFlag: false, DelayTime: 0,
                    TransparentColor: Int32(transparent))
                var extensionBytes = [UInt8](repeating: 0, count: 4)
                _ = EGifGCBToExtension(&control, &extensionBytes)
                ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, extensionBytes) == GIF_OK
            }
            if ok, !comment.isEmpty {
                let text = Array(comment.utf8.prefix(255))
                ok = EGifPutExtension(gif, COMMENT_EXT_FUNC_CODE, Int32(text.count), text) == GIF_OK
            }
            if ok { ok = EGifPutImageDesc(gif, 0, 0, Int32(width), Int32(height), false, nil) == GIF_OK }
            if ok {
                var rows = indices
                ok = rows.withUnsafeMutableBufferPointer { buffer in
                    for row in 0..<height {
                        let line = buffer.baseAddress! + row * width
                        if EGifPutLine(gif, line, Int32(width)) != GIF_OK { return false }
                    }
                    return true
                }
            }
            if !ok { error = gif.pointee.Error }
            var closeError: Int32 = 0
            let closed = EGifCloseFile(gif, &closeError) == GIF_OK
            if ok && !closed { error = closeError }
            return ok && closed ? 1 : 0
        }
        guard status == 1 else {
            let reason = GifErrorString(error).map { String(cString: $0) } ?? "error \(error)"
            throw .encodeFailed("GIF: \(reason)")
        }
        return sink.bytes
    }
}
