import CJXL
import IIPImaging
import Testing

/// What libjxl decodes from a JPEG XL file.
struct DecodedJXL {
    /// Grey or RGB samples, with alpha when the file has it, in the colour space libjxl outputs (the original one,
    /// or sRGB for lossy files labelled sRGB).
    var pixels: PixelBuffer
    var colourChannels: Int
    var alphaBits: Int
    var usesOriginalProfile: Bool
    /// The ICC profile of the original picture (synthesised by libjxl when the file carries a colour encoding).
    var originalICC: [UInt8]
    /// Whether the file names its colour space with libjxl's enumerated encoding rather than an ICC profile.
    var hasEncodedColour: Bool
    /// Metadata boxes by type (`xml `, `Exif`).
    var boxes: [String: [UInt8]]
    /// Whether the file is a container (boxes) rather than a bare codestream.
    var isContainer: Bool
}

/// Decodes a JPEG XL from memory with libjxl, one thread.
func decodeJXL(_ jxl: [UInt8]) throws -> DecodedJXL {
    let decoder = try #require(JxlDecoderCreate(nil))
    defer { JxlDecoderDestroy(decoder) }
    let events =
        JXL_DEC_BASIC_INFO.rawValue | JXL_DEC_COLOR_ENCODING.rawValue | JXL_DEC_FULL_IMAGE.rawValue
        | JXL_DEC_BOX.rawValue
    try #require(JxlDecoderSubscribeEvents(decoder, Int32(events)) == JXL_DEC_SUCCESS)
    let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: jxl.count)
    defer { input.deallocate() }
    _ = input.initialize(from: jxl)
    try #require(JxlDecoderSetInput(decoder, input.baseAddress, input.count) == JXL_DEC_SUCCESS)
    JxlDecoderCloseInput(decoder)

    var info = JxlBasicInfo()
    var originalICC: [UInt8] = []
    var encoded = false
    var output: UnsafeMutableBufferPointer<UInt8>?
    defer { output?.deallocate() }
    var format = JxlPixelFormat(num_channels: 3, data_type: JXL_TYPE_UINT8, endianness: JXL_NATIVE_ENDIAN, align: 0)
    var boxes: [String: [UInt8]] = [:]
    let boxBuffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 20)
    defer { boxBuffer.deallocate() }
    var currentBox: String?
    func finishBox() {
        guard let name = currentBox else { return }
        let remaining = JxlDecoderReleaseBoxBuffer(decoder)
        boxes[name] = Array(boxBuffer.prefix(boxBuffer.count - remaining))
        currentBox = nil
    }
    loop: while true {
        let status = JxlDecoderProcessInput(decoder)
        switch status {
        case JXL_DEC_BASIC_INFO:
            try #require(JxlDecoderGetBasicInfo(decoder, &info) == JXL_DEC_SUCCESS)
            format.num_channels = info.num_color_channels + (info.alpha_bits > 0 ? 1 : 0)
        case JXL_DEC_COLOR_ENCODING:
            var size = 0
            try #require(
                JxlDecoderGetICCProfileSize(decoder, &format, JXL_COLOR_PROFILE_TARGET_ORIGINAL, &size)
                    == JXL_DEC_SUCCESS)
            originalICC = [UInt8](repeating: 0, count: size)
            let read = originalICC.withUnsafeMutableBufferPointer {
                JxlDecoderGetColorAsICCProfile(
                    decoder, &format, JXL_COLOR_PROFILE_TARGET_ORIGINAL, $0.baseAddress, $0.count)
            }
            try #require(read == JXL_DEC_SUCCESS)
            var colour = JxlColorEncoding()
            encoded =
                JxlDecoderGetColorAsEncodedProfile(decoder, &format, JXL_COLOR_PROFILE_TARGET_ORIGINAL, &colour)
                == JXL_DEC_SUCCESS
        case JXL_DEC_NEED_IMAGE_OUT_BUFFER:
            var size = 0
            try #require(JxlDecoderImageOutBufferSize(decoder, &format, &size) == JXL_DEC_SUCCESS)
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: size)
            output = buffer
            try #require(
                JxlDecoderSetImageOutBuffer(decoder, &format, buffer.baseAddress, buffer.count) == JXL_DEC_SUCCESS)
        case JXL_DEC_BOX:
            finishBox()
            var type: (CChar, CChar, CChar, CChar) = (0, 0, 0, 0)
            let got = withUnsafeMutableBytes(of: &type) {
                JxlDecoderGetBoxType(decoder, $0.baseAddress!.assumingMemoryBound(to: CChar.self), JXL_FALSE)
            }
            try #require(got == JXL_DEC_SUCCESS)
            let name = withUnsafeBytes(of: type) { String(decoding: $0, as: UTF8.self) }
            if name == "xml " || name == "Exif" {
                currentBox = name
                try #require(
                    JxlDecoderSetBoxBuffer(decoder, boxBuffer.baseAddress, boxBuffer.count) == JXL_DEC_SUCCESS)
            }
        case JXL_DEC_FULL_IMAGE:
            continue
        case JXL_DEC_SUCCESS:
            finishBox()
            break loop
        default:
            Issue.record("JxlDecoderProcessInput: \(status.rawValue)")
            throw DecodeFailed()
        }
    }
    let samples = try #require(output)
    let pixels = PixelBuffer(
        width: Int(info.xsize), height: Int(info.ysize), channels: Int(format.num_channels), bytes: Array(samples))
    return DecodedJXL(
        pixels: pixels, colourChannels: Int(info.num_color_channels), alphaBits: Int(info.alpha_bits),
        usesOriginalProfile: info.uses_original_profile == JXL_TRUE, originalICC: originalICC,
        hasEncodedColour: encoded, boxes: boxes, isContainer: jxl.starts(with: [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
}

struct DecodeFailed: Error {}
