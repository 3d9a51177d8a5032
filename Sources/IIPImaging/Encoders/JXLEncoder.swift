import CJXL
public import IIPModel

/// Encodes JPEG XL with libjxl 0.7 (no IIP server has this output; JXL_QUALITY is this server's own setting).
///
/// - Quality: libjxl 0.7 takes a Butteraugli distance (0 lossless, 1 visually lossless, 15 the worst it takes) and
///   has no `JxlEncoderDistanceFromQuality` yet (libjxl 0.9 added it). Quality `q` in 0-100 maps as that function
///   and cjxl's `-q` do, so the numbers mean what they mean there (roughly libjpeg's quality scale): at 30 and above
///   `0.1 + (100 - q) * 0.09` (75, the default, is 2.35; 90 is 1.0), below 30 `53/3000 q² - 23/20 q + 25`, then
///   clamped to 0.1-15 (libjxl 0.7's range). Quality -1 (any value below 0) is lossless (modular mode, exact
///   samples).
/// - Speed: low efforts, 3 ("falcon") lossy and 1 ("lightning") lossless, where libjxl's default is 7; no
///   parallel runner (the server already encodes in parallel). The README gives the measured cost per tile.
/// - Samples: 8 bits, grey or RGB, with or without alpha (kept, and exact in lossless output).
/// - Colour: the ICC profile when there is one (lossy output is converted to XYB through it, so colour-managed
///   decoders show the same colours); a profile libjxl cannot parse is left out and the picture labelled sRGB, as
///   pictures without a profile are.
/// - Metadata: XMP in an `xml ` box and EXIF in an `Exif` box of the JPEG XL container; without either the output
///   is a bare codestream.
public struct JXLEncoder: ImageEncoder {
    /// 0-100 (values above count as 100), or below 0 for lossless.
    public var quality: Int

    /// Creates an encoder; JXL_QUALITY's default is 75.
    public init(quality: Int = 75) {
        self.quality = quality
    }

    /// The format written.
    public var format: OutputFormat { .jxl }

    /// Whether this encoder writes lossless JPEG XL.
    public var isLossless: Bool { quality < 0 }

    /// The Butteraugli distance of lossy output (0 when lossless).
    public var distance: Float {
        guard !isLossless else { return 0 }
        let q = Double(min(quality, 100))
        let mapped = q >= 30 ? 0.1 + (100 - q) * 0.09 : 53.0 / 3000.0 * q * q - 23.0 / 20.0 * q + 25
        return Float(min(max(mapped, 0.1), 15))
    }

    /// libjxl's effort (1 fastest, 9 slowest) for this encoder's output.
    public var effort: Int { isLossless ? 1 : 3 }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("JPEG XL", bits: [8], channels: 1...4, maxSide: OutputFormat.jxl.maxSide)
        let boxes = Self.boxes(metadata)
        var result = compress(pixels, icc: metadata.icc, boxes: boxes)
        if case .failure(.profileRefused) = result, metadata.icc != nil {
            // libjxl cannot use the profile: the picture is written as sRGB, as if it had none.
            result = compress(pixels, icc: nil, boxes: boxes)
        }
        switch result {
        case .success(let bytes): return bytes
        case .failure(.profileRefused): throw .encodeFailed("JPEG XL: libjxl refused the sRGB colour encoding")
        case .failure(.failed(let message)): throw .encodeFailed("JPEG XL: \(message)")
        }
    }

    /// Why one attempt failed.
    private enum Failure: Error {
        /// libjxl refused the colour profile (or encoding).
        case profileRefused
        /// Anything else.
        case failed(String)
    }

    /// The metadata boxes: `xml ` (XMP) and `Exif` (a 4-byte offset to the TIFF header, then the block).
    private static func boxes(_ metadata: EncodingMetadata) -> [(type: [CChar], contents: [UInt8])] {
        var boxes: [(type: [CChar], contents: [UInt8])] = []
        if let xmp = metadata.xmpPacket { boxes.append((Self.boxType("xml "), Array(xmp.utf8))) }
        if let exif = metadata.exif, !exif.isEmpty { boxes.append((Self.boxType("Exif"), [0, 0, 0, 0] + exif)) }
        return boxes
    }

    private static func boxType(_ name: String) -> [CChar] {
        name.utf8.map { CChar(bitPattern: $0) }
    }

    /// One encode with `icc` as the colour profile (sRGB when `nil`).
    private func compress(
        _ pixels: PixelBuffer, icc: [UInt8]?, boxes: [(type: [CChar], contents: [UInt8])]
    ) -> Result<[UInt8], Failure> {
        guard let encoder = JxlEncoderCreate(nil) else { return .failure(.failed("cannot create an encoder")) }
        defer { JxlEncoderDestroy(encoder) }
        func failed(_ step: String) -> Result<[UInt8], Failure> {
            .failure(.failed("\(step) failed (error \(JxlEncoderGetError(encoder).rawValue))"))
        }
        if !boxes.isEmpty {
            guard JxlEncoderUseContainer(encoder, JXL_TRUE) == JXL_ENC_SUCCESS,
                JxlEncoderUseBoxes(encoder) == JXL_ENC_SUCCESS
            else { return failed("starting the container") }
        }
        let colour = pixels.channels >= 3
        let alpha = pixels.channels == 2 || pixels.channels == 4
        var info = JxlBasicInfo()
        JxlEncoderInitBasicInfo(&info)
        info.xsize = UInt32(pixels.width)
        info.ysize = UInt32(pixels.height)
        info.bits_per_sample = 8
        info.exponent_bits_per_sample = 0
        info.num_color_channels = colour ? 3 : 1
        info.alpha_bits = alpha ? 8 : 0
        info.num_extra_channels = alpha ? 1 : 0
        info.uses_original_profile = isLossless ? JXL_TRUE : JXL_FALSE
        // Level 5 (the default) allows 2^18 a side and 2^28 pixels; larger pictures need level 10.
        if pixels.width > 1 << 18 || pixels.height > 1 << 18 || pixels.width * pixels.height > 1 << 28 {
            guard JxlEncoderSetCodestreamLevel(encoder, 10) == JXL_ENC_SUCCESS else { return failed("level 10") }
        }
        guard JxlEncoderSetBasicInfo(encoder, &info) == JXL_ENC_SUCCESS else { return failed("the image header") }
        if let icc {
            let accepted = icc.withUnsafeBufferPointer { JxlEncoderSetICCProfile(encoder, $0.baseAddress, $0.count) }
            guard accepted == JXL_ENC_SUCCESS else { return .failure(.profileRefused) }
        } else {
            var encoding = JxlColorEncoding()
            JxlColorEncodingSetToSRGB(&encoding, colour ? JXL_FALSE : JXL_TRUE)
            guard JxlEncoderSetColorEncoding(encoder, &encoding) == JXL_ENC_SUCCESS else {
                return .failure(.profileRefused)
            }
        }
        guard let settings = JxlEncoderFrameSettingsCreate(encoder, nil),
            JxlEncoderFrameSettingsSetOption(settings, JXL_ENC_FRAME_SETTING_EFFORT, Int64(effort))
                == JXL_ENC_SUCCESS
        else { return failed("the frame settings") }
        let quality =
            isLossless
            ? JxlEncoderSetFrameLossless(settings, JXL_TRUE) : JxlEncoderSetFrameDistance(settings, distance)
        guard quality == JXL_ENC_SUCCESS else { return failed("the quality setting") }
        for box in boxes {
            let added = box.contents.withUnsafeBufferPointer { contents in
                box.type.withUnsafeBufferPointer { type in
                    JxlEncoderAddBox(
                        encoder, type.baseAddress, contents.baseAddress, contents.count, JXL_FALSE)
                }
            }
            guard added == JXL_ENC_SUCCESS else { return failed("adding a metadata box") }
        }
        var format = JxlPixelFormat(
            num_channels: UInt32(pixels.channels), data_type: JXL_TYPE_UINT8, endianness: JXL_NATIVE_ENDIAN,
            align: 0)
        let added = pixels.bytes.withUnsafeBytes { samples in
            JxlEncoderAddImageFrame(settings, &format, samples.baseAddress, samples.count)
        }
        guard added == JXL_ENC_SUCCESS else { return failed("adding the picture") }
        JxlEncoderCloseInput(encoder)
        return Self.collect(encoder)
    }

    /// Runs the encoder to the end, growing the output as it asks.
    private static func collect(_ encoder: OpaquePointer) -> Result<[UInt8], Failure> {
        var output = [UInt8](repeating: 0, count: 1 << 16)
        var used = 0
        while true {
            var status = JXL_ENC_ERROR
            output.withUnsafeMutableBufferPointer { buffer in
                var next = buffer.baseAddress.map { $0 + used }
                var available = buffer.count - used
                status = JxlEncoderProcessOutput(encoder, &next, &available)
                used = buffer.count - available
            }
            switch status {
            case JXL_ENC_SUCCESS:
                output.removeSubrange(used...)
                return .success(output)
            case JXL_ENC_NEED_MORE_OUTPUT:
                output.append(contentsOf: repeatElement(0, count: output.count))
            default:
                return .failure(.failed("encoding failed (error \(JxlEncoderGetError(encoder).rawValue))"))
            }
        }
    }
}
