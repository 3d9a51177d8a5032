import CWebP
public import IIPModel

/// Encodes WebP with libwebp as iipsrv does: method 0 (fastest), lossless when the quality is below 1
/// (iipsrv-reference §6.7).
///
/// Takes 8-bit samples with 1 to 4 channels: grey is expanded to RGB (grey + alpha to RGBA), alpha is kept.
/// Lossless output keeps the colour under fully transparent pixels (`exact`). The ICC profile and XMP packet go
/// into `ICCP`, `XMP ` and `EXIF` chunks through libwebpmux; WebP has no density or text fields. Encoding runs on the
/// calling thread (libwebp's own threading is off: the server already encodes in parallel).
public struct WebPEncoder: ImageEncoder {
    /// Quality 1-100 for lossy output; below 1 (iipsrv uses -1) means lossless. Values above 100 count as 100.
    public var quality: Int

    /// Creates an encoder; iipsrv's WEBP_QUALITY default is 50.
    public init(quality: Int = 50) {
        self.quality = quality
    }

    /// The format written.
    public var format: OutputFormat { .webp }

    /// Whether this encoder writes lossless WebP.
    public var isLossless: Bool { quality < 1 }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("WebP", bits: [8], channels: 1...4, maxSide: OutputFormat.webp.maxSide)
        let source: PixelBuffer =
            switch pixels.channels {
            case 1: pixels.selectingBands([0, 0, 0])
            case 2: pixels.selectingBands([0, 0, 0, 1])
            default: pixels
            }
        let bitstream = try compress(source)
        let icc = metadata.icc
        let xmp = metadata.xmpPacket.map { Array($0.utf8) }
        let exif = metadata.exif.flatMap { $0.isEmpty ? nil : $0 }
        guard icc != nil || xmp != nil || exif != nil else { return bitstream }
        return try Self.addChunks(to: bitstream, icc: icc, xmp: xmp, exif: exif)
    }

    private func compress(_ pixels: PixelBuffer) throws(ImagingError) -> [UInt8] {
        var config = WebPConfig()
        guard WebPConfigInit(&config) != 0 else { throw .encodeFailed("WebP: library version mismatch") }
        if isLossless {
            _ = WebPConfigLosslessPreset(&config, 0)
            config.exact = 1
        } else {
            config.quality = Float(min(quality, 100))
        }
        config.method = 0
        config.thread_level = 0
        guard WebPValidateConfig(&config) != 0 else { throw .encodeFailed("WebP: invalid configuration") }

        let picture = UnsafeMutablePointer<WebPPicture>.allocate(capacity: 1)
        let writer = UnsafeMutablePointer<WebPMemoryWriter>.allocate(capacity: 1)
        picture.initialize(to: WebPPicture())
        writer.initialize(to: WebPMemoryWriter())
        defer {
            WebPPictureFree(picture)
            WebPMemoryWriterClear(writer)
            picture.deallocate()
            writer.deallocate()
        }
        guard WebPPictureInit(picture) != 0 else { throw .encodeFailed("WebP: library version mismatch") }
        WebPMemoryWriterInit(writer)
        picture.pointee.width = Int32(pixels.width)
        picture.pointee.height = Int32(pixels.height)
        picture.pointee.use_argb = isLossless ? 1 : 0
        picture.pointee.writer = WebPMemoryWrite
        picture.pointee.custom_ptr = UnsafeMutableRawPointer(writer)
        let stride = Int32(pixels.rowBytes)
        let imported = pixels.bytes.withUnsafeBufferPointer { samples in
            pixels.channels == 4
                ? WebPPictureImportRGBA(picture, samples.baseAddress, stride)
                : WebPPictureImportRGB(picture, samples.baseAddress, stride)
        }
        guard imported != 0 else { throw .encodeFailed("WebP: cannot import pixels (out of memory)") }
        guard WebPEncode(&config, picture) != 0 else {
            throw .encodeFailed("WebP: encoding failed (error \(picture.pointee.error_code.rawValue))")
        }
        guard let memory = writer.pointee.mem, writer.pointee.size > 0 else {
            throw .encodeFailed("WebP: encoder wrote nothing")
        }
        return Array(UnsafeBufferPointer(start: memory, count: writer.pointee.size))
    }

    /// Adds `ICCP`, `XMP ` and `EXIF` chunks (and the VP8X header they need) to a simple WebP file.
    static func addChunks(
        to bitstream: [UInt8], icc: [UInt8]?, xmp: [UInt8]?, exif: [UInt8]? = nil
    ) throws(ImagingError) -> [UInt8] {
        guard let mux = WebPMuxNew() else { throw .encodeFailed("WebP: cannot create a mux") }
        defer { WebPMuxDelete(mux) }
        func set(_ fourCC: String, _ bytes: [UInt8]) -> WebPMuxError {
            bytes.withUnsafeBufferPointer { buffer in
                var data = WebPData(bytes: buffer.baseAddress, size: buffer.count)
                return WebPMuxSetChunk(mux, fourCC, &data, 1)
            }
        }
        let status = bitstream.withUnsafeBufferPointer { buffer in
            var image = WebPData(bytes: buffer.baseAddress, size: buffer.count)
            return WebPMuxSetImage(mux, &image, 1)
        }
        guard status == WEBP_MUX_OK else { throw .encodeFailed("WebP: mux rejected the image (\(status.rawValue))") }
        if let icc, !icc.isEmpty {
            let result = set("ICCP", icc)
            guard result == WEBP_MUX_OK else { throw .encodeFailed("WebP: cannot add ICCP (\(result.rawValue))") }
        }
        if let xmp, !xmp.isEmpty {
            let result = set("XMP ", xmp)
            guard result == WEBP_MUX_OK else { throw .encodeFailed("WebP: cannot add XMP (\(result.rawValue))") }
        }
        if let exif, !exif.isEmpty {
            let result = set("EXIF", exif)
            guard result == WEBP_MUX_OK else { throw .encodeFailed("WebP: cannot add EXIF (\(result.rawValue))") }
        }
        var assembled = WebPData()
        WebPDataInit(&assembled)
        defer { WebPDataClear(&assembled) }
        let result = WebPMuxAssemble(mux, &assembled)
        guard result == WEBP_MUX_OK, let bytes = assembled.bytes else {
            throw .encodeFailed("WebP: cannot assemble chunks (\(result.rawValue))")
        }
        return Array(UnsafeBufferPointer(start: bytes, count: assembled.size))
    }
}
