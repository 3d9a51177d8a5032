import CAVIF
public import IIPModel

/// Encodes AVIF with libavif 0.11 as iipsrv master does with libavif 1.x (iipsrv-reference §6.7): the fastest speed,
/// the AV1 encoder AVIF_CODEC names, 4:2:0 for lossy colour, 4:4:4 for lossless, 4:0:0 for grey.
///
/// - Quality: libavif 0.11 has no quality setting, only quantizers (0 best, 63 worst). Quality `q` in 0-100 is
///   quantizer `round((100 - q) * 63 / 100)` for both the minimum and the maximum, the mapping libavif 1.0 later
///   adopted for its own `quality`: 100 is quantizer 0, 50 (the default) 32, 0 is 63. Quality -1 (any value
///   below 0) is lossless: quantizer 0, 4:4:4 with the identity matrix (the RGB samples themselves), written by
///   aom whatever AVIF_CODEC says, so the picture decodes exactly.
/// - Samples: 8 bits (the pipeline hands every encoder 8-bit pixels, as iipsrv does), full range, sRGB colour
///   description (BT.709 primaries, sRGB transfer, BT.601 matrix). Grey (1 channel, or grey and alpha) is 4:0:0:
///   the grey samples are the luma plane as they are.
/// - Alpha is kept, always at quantizer 0 (exact with aom, within a few levels with rav1e), as libwebp keeps WebP
///   alpha lossless by default.
/// - Metadata: the ICC profile (`colr` box), XMP and EXIF items. AVIF has no density or text fields.
///
/// Encoding runs on the calling thread (libavif's own threads are off: the server already encodes in parallel).
public struct AVIFEncoder: ImageEncoder {
    /// 0-100, or below 0 for lossless; values above 100 count as 100.
    public var quality: Int
    /// The AV1 encoder; lossless pictures, and those SVT-AV1 cannot write, go to aom (see ``AVIFCodec``).
    public var codec: AVIFCodec

    /// Creates an encoder; iipsrv's AVIF_QUALITY default is 50.
    public init(quality: Int = 50, codec: AVIFCodec = .automatic) {
        self.quality = quality
        self.codec = codec
    }

    /// The format written.
    public var format: OutputFormat { .avif }

    /// Whether this encoder writes lossless AVIF.
    public var isLossless: Bool { quality < 0 }

    /// The AV1 quantizer for colour: 0 (best) to 63 (worst).
    public var quantizer: Int {
        guard !isLossless else { return Int(AVIF_QUANTIZER_LOSSLESS) }
        let clamped = min(quality, 100)
        return ((100 - clamped) * 63 + 50) / 100
    }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("AVIF", bits: [8], channels: 1...4, maxSide: OutputFormat.avif.maxSide)
        let grey = pixels.channels <= 2
        let subsampled = !grey && !isLossless
        let layout: avifPixelFormat =
            grey ? AVIF_PIXEL_FORMAT_YUV400 : subsampled ? AVIF_PIXEL_FORMAT_YUV420 : AVIF_PIXEL_FORMAT_YUV444
        guard let image = avifImageCreate(UInt32(pixels.width), UInt32(pixels.height), 8, layout) else {
            throw .encodeFailed("AVIF: cannot create an image (out of memory)")
        }
        defer { avifImageDestroy(image) }
        image.pointee.yuvRange = AVIF_RANGE_FULL
        image.pointee.colorPrimaries = avifColorPrimaries(AVIF_COLOR_PRIMARIES_BT709)
        image.pointee.transferCharacteristics = avifTransferCharacteristics(AVIF_TRANSFER_CHARACTERISTICS_SRGB)
        image.pointee.matrixCoefficients = avifMatrixCoefficients(
            isLossless && !grey ? AVIF_MATRIX_COEFFICIENTS_IDENTITY : AVIF_MATRIX_COEFFICIENTS_BT601)
        if grey {
            try Self.copyGrey(pixels, into: image)
        } else {
            try Self.convertColour(pixels, into: image)
        }
        try Self.attach(metadata, to: image)

        guard let encoder = avifEncoderCreate() else { throw .encodeFailed("AVIF: cannot create an encoder") }
        defer { avifEncoderDestroy(encoder) }
        encoder.pointee.codecChoice =
            codec.encoder(
                width: pixels.width, height: pixels.height, subsampled: subsampled,
                alpha: pixels.channels % 2 == 0, lossless: isLossless
            ).choice
        encoder.pointee.maxThreads = 1
        encoder.pointee.speed = AVIF_SPEED_FASTEST
        encoder.pointee.minQuantizer = Int32(quantizer)
        encoder.pointee.maxQuantizer = Int32(quantizer)
        encoder.pointee.minQuantizerAlpha = Int32(AVIF_QUANTIZER_LOSSLESS)
        encoder.pointee.maxQuantizerAlpha = Int32(AVIF_QUANTIZER_LOSSLESS)
        var output = avifRWData(data: nil, size: 0)
        defer { avifRWDataFree(&output) }
        let result = avifEncoderWrite(encoder, image, &output)
        guard result == AVIF_RESULT_OK, let data = output.data, output.size > 0 else {
            let detail = withUnsafeBytes(of: encoder.pointee.diag.error) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw .encodeFailed(
                "AVIF: \(String(cString: avifResultToString(result)))\(detail.isEmpty ? "" : ": \(detail)")")
        }
        return Array(UnsafeBufferPointer(start: data, count: output.size))
    }

    /// Grey (and alpha): the samples are the luma plane (4:0:0, full range) and the alpha plane as they are.
    private static func copyGrey(_ pixels: PixelBuffer, into image: UnsafeMutablePointer<avifImage>)
        throws(ImagingError)
    {
        let alpha = pixels.channels == 2
        let planes = AVIF_PLANES_YUV.rawValue | (alpha ? AVIF_PLANES_A.rawValue : 0)
        guard avifImageAllocatePlanes(image, avifPlanesFlags(planes)) == AVIF_RESULT_OK,
            let luma = image.pointee.yuvPlanes.0
        else { throw .encodeFailed("AVIF: cannot allocate planes (out of memory)") }
        let lumaStride = Int(image.pointee.yuvRowBytes.0)
        let alphaPlane = image.pointee.alphaPlane
        let alphaStride = Int(image.pointee.alphaRowBytes)
        if alpha && alphaPlane == nil { throw .encodeFailed("AVIF: cannot allocate planes (out of memory)") }
        let channels = pixels.channels
        pixels.bytes.withUnsafeBufferPointer { samples in
            for y in 0..<pixels.height {
                let row = y * pixels.width * channels
                for x in 0..<pixels.width {
                    luma[y * lumaStride + x] = samples[row + x * channels]
                    if alpha, let alphaPlane { alphaPlane[y * alphaStride + x] = samples[row + x * channels + 1] }
                }
            }
        }
    }

    /// RGB (and alpha) through libavif's conversion: 4:2:0 with the BT.601 matrix, or 4:4:4 with the identity.
    private static func convertColour(_ pixels: PixelBuffer, into image: UnsafeMutablePointer<avifImage>)
        throws(ImagingError)
    {
        var rgb = avifRGBImage()
        avifRGBImageSetDefaults(&rgb, image)
        rgb.depth = 8
        rgb.format = pixels.channels == 4 ? AVIF_RGB_FORMAT_RGBA : AVIF_RGB_FORMAT_RGB
        rgb.chromaDownsampling = AVIF_CHROMA_DOWNSAMPLING_FASTEST
        rgb.rowBytes = UInt32(pixels.rowBytes)
        let result = pixels.bytes.withUnsafeBufferPointer { samples in
            rgb.pixels = UnsafeMutablePointer(mutating: samples.baseAddress)
            return avifImageRGBToYUV(image, &rgb)
        }
        guard result == AVIF_RESULT_OK else {
            throw .encodeFailed("AVIF: cannot convert to YUV (\(String(cString: avifResultToString(result))))")
        }
    }

    /// The ICC profile, XMP packet and EXIF block; an EXIF block without a TIFF header is left out (libavif would
    /// refuse the whole file for it).
    private static func attach(_ metadata: EncodingMetadata, to image: UnsafeMutablePointer<avifImage>)
        throws(ImagingError)
    {
        if let icc = metadata.icc {
            icc.withUnsafeBufferPointer { avifImageSetProfileICC(image, $0.baseAddress, $0.count) }
        }
        if let xmp = metadata.xmpPacket {
            let bytes = Array(xmp.utf8)
            bytes.withUnsafeBufferPointer { avifImageSetMetadataXMP(image, $0.baseAddress, $0.count) }
        }
        if let exif = metadata.exif, exif.count >= 8, Self.startsWithTIFFHeader(exif) {
            exif.withUnsafeBufferPointer { avifImageSetMetadataExif(image, $0.baseAddress, $0.count) }
        }
    }

    static func startsWithTIFFHeader(_ bytes: [UInt8]) -> Bool {
        let head = Array(bytes.prefix(4))
        return head == [0x49, 0x49, 0x2A, 0x00] || head == [0x4D, 0x4D, 0x00, 0x2A]
    }
}
