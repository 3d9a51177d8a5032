import COpenJPEG
public import IIPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Encodes JPEG 2000 in a JP2 container with OpenJPEG.
///
/// Takes 8- or 16-bit unsigned samples with 1 to 4 channels. Grey is one component (greyscale), colour three
/// (sRGB, with the reversible or irreversible colour transform); an alpha band is kept as an extra component that
/// the JP2 `cdef` box marks as opacity.
///
/// - Lossless (`quality == nil`): the reversible 5/3 wavelet; the decoded samples equal the input.
/// - Lossy: the irreversible 9/7 wavelet with one quality layer at compression ratio
///   `2 * 10^((100 - quality) / 50)` (quality 100 gives 2:1, 75 about 6:1, 50 20:1, 1 about 190:1).
///
/// The number of resolution levels puts the smallest level near 64 pixels on its shorter side (at most 8 levels).
/// The ICC profile goes into the `colr` box (method 2, spliced in after encoding); `metadata.software` goes into a codestream comment. OpenJPEG writes
/// no XMP or density. Errors and warnings are captured per codec.
public struct JPEG2000Encoder: ImageEncoder {
    /// `nil` for lossless, otherwise 1-100 (clamped).
    public var quality: Int?

    /// Creates an encoder; lossless by default.
    public init(quality: Int? = nil) {
        self.quality = quality
    }

    /// The format written.
    public var format: OutputFormat { .jp2 }

    /// The compression ratio for a lossy quality.
    static func compressionRatio(quality: Int) -> Float {
        let clamped = Double(min(max(quality, 1), 100))
        return Float(2 * pow(10, (100 - clamped) / 50))
    }

    /// The number of resolution levels for an image whose shorter side is `side` pixels.
    static func resolutionCount(side: Int) -> Int {
        var count = 1
        var size = side
        while size >= 128, count < 8 {
            size /= 2
            count += 1
        }
        return count
    }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("JPEG 2000", bits: [8, 16], channels: 1...4, maxSide: OutputFormat.jp2.maxSide)
        let channels = pixels.channels
        let colour = channels >= 3
        var componentParameters = (0..<channels).map { _ in
            var parameter = opj_image_cmptparm_t()
            parameter.dx = 1
            parameter.dy = 1
            parameter.w = UInt32(pixels.width)
            parameter.h = UInt32(pixels.height)
            parameter.prec = UInt32(pixels.bitsPerSample)
            parameter.sgnd = 0
            return parameter
        }
        guard
            let image = opj_image_create(
                UInt32(channels), &componentParameters, colour ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY)
        else { throw .encodeFailed("JPEG 2000: out of memory") }
        defer { opj_image_destroy(image) }
        image.pointee.x0 = 0
        image.pointee.y0 = 0
        image.pointee.x1 = UInt32(pixels.width)
        image.pointee.y1 = UInt32(pixels.height)
        try Self.fill(image, from: pixels)

        var parameters = opj_cparameters_t()
        opj_set_default_encoder_parameters(&parameters)
        parameters.tcp_numlayers = 1
        parameters.cp_disto_alloc = 1
        if let quality {
            parameters.irreversible = 1
            parameters.tcp_rates.0 = Self.compressionRatio(quality: quality)
        } else {
            parameters.irreversible = 0
            parameters.tcp_rates.0 = 0
        }
        parameters.tcp_mct = colour ? 1 : 0
        parameters.numresolution = Int32(Self.resolutionCount(side: min(pixels.width, pixels.height)))

        guard let codec = opj_create_compress(OPJ_CODEC_JP2) else {
            throw .encodeFailed("JPEG 2000: cannot create a codec")
        }
        defer { opj_destroy_codec(codec) }
        let messages = OpenJPEGMessages()
        return try withExtendedLifetime(messages) { () throws(ImagingError) -> [UInt8] in
            OpenJPEGMessages.install(on: codec, messages)
            let comment = metadata.software.isEmpty ? nil : metadata.software
            let set = Self.setup(codec, &parameters, image, comment: comment)
            guard set else { throw .encodeFailed("JPEG 2000: " + messages.describe("cannot set up the encoder")) }
            let jp2 = try Self.compress(codec, image, messages)
            // OpenJPEG 2.5.0 cannot write an ICC profile itself (it asserts in opj_jp2_write_colr): splice it in
            guard let icc = metadata.icc else { return jp2 }
            return Self.replacingColourBox(of: jp2, withProfile: icc)
        }
    }

    /// Replaces the enumerated-colour-space `colr` box inside `jp2h` with an ICC `colr` box (method 2).
    ///
    /// Box offsets inside the codestream are relative, so growing the header box needs no other change.
    /// Returns `jp2` unchanged when its boxes are not laid out as OpenJPEG writes them.
    static func replacingColourBox(of jp2: [UInt8], withProfile icc: [UInt8]) -> [UInt8] {
        func length(_ offset: Int) -> Int {
            Int(jp2[offset]) << 24 | Int(jp2[offset + 1]) << 16 | Int(jp2[offset + 2]) << 8 | Int(jp2[offset + 3])
        }
        func type(_ offset: Int) -> String { String(decoding: jp2[(offset + 4)..<(offset + 8)], as: UTF8.self) }
        func bigEndian(_ value: Int) -> [UInt8] {
            [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        var offset = 0
        while offset + 8 <= jp2.count, type(offset) != "jp2h" {
            let size = length(offset)
            guard size >= 8 else { return jp2 }
            offset += size
        }
        guard offset + 8 <= jp2.count else { return jp2 }
        let header = offset
        let headerEnd = header + length(header)
        guard headerEnd <= jp2.count else { return jp2 }
        var child = header + 8
        while child + 8 <= headerEnd, type(child) != "colr" {
            let size = length(child)
            guard size >= 8 else { return jp2 }
            child += size
        }
        guard child + 8 <= headerEnd else { return jp2 }
        let oldSize = length(child)
        guard oldSize >= 8, child + oldSize <= headerEnd else { return jp2 }
        let newSize = 8 + 3 + icc.count
        guard headerEnd - header - oldSize + newSize <= Int(UInt32.max) else { return jp2 }
        let colour = bigEndian(newSize) + Array("colr".utf8) + [2, 0, 0] + icc
        var output = Array(jp2[..<header])
        output += bigEndian(headerEnd - header - oldSize + newSize) + Array("jp2h".utf8)
        output += jp2[(header + 8)..<child]
        output += colour
        output += jp2[(child + oldSize)...]
        return output
    }

    private static func setup(
        _ codec: UnsafeMutablePointer<opj_codec_t?>, _ parameters: inout opj_cparameters_t,
        _ image: UnsafeMutablePointer<opj_image_t>,
        comment: String?
    ) -> Bool {
        guard let comment else { return opj_setup_encoder(codec, &parameters, image) != 0 }
        // OpenJPEG copies the comment during setup
        var text = Array(comment.utf8CString)
        return text.withUnsafeMutableBufferPointer { buffer in
            parameters.cp_comment = buffer.baseAddress
            defer { parameters.cp_comment = nil }
            return opj_setup_encoder(codec, &parameters, image) != 0
        }
    }

    private static func fill(_ image: UnsafeMutablePointer<opj_image_t>, from pixels: PixelBuffer) throws(ImagingError)
    {
        let channels = pixels.channels
        let count = pixels.width * pixels.height
        for component in 0..<channels {
            let entry = image.pointee.comps + component
            guard let data = entry.pointee.data else { throw .encodeFailed("JPEG 2000: out of memory") }
            if component == channels - 1, channels == 2 || channels == 4 { entry.pointee.alpha = 1 }
            pixels.bytes.withUnsafeBytes { raw in
                if pixels.bitsPerSample == 16 {
                    let samples = raw.bindMemory(to: UInt16.self)
                    for pixel in 0..<count { data[pixel] = Int32(samples[pixel * channels + component]) }
                } else {
                    for pixel in 0..<count { data[pixel] = Int32(raw[pixel * channels + component]) }
                }
            }
        }
    }

    private static func compress(
        _ codec: UnsafeMutablePointer<opj_codec_t?>, _ image: UnsafeMutablePointer<opj_image_t>,
        _ messages: OpenJPEGMessages
    ) throws(ImagingError) -> [UInt8] {
        let sink = OpenJPEGSink()
        return try withExtendedLifetime(sink) { () throws(ImagingError) -> [UInt8] in
            guard let stream = opj_stream_create(Int(OPJ_J2K_STREAM_CHUNK_SIZE), 0) else {
                throw .encodeFailed("JPEG 2000: cannot create a stream")
            }
            defer { opj_stream_destroy(stream) }
            opj_stream_set_user_data(stream, Unmanaged.passUnretained(sink).toOpaque(), nil)
            opj_stream_set_write_function(stream, OpenJPEGSink.write)
            opj_stream_set_skip_function(stream, OpenJPEGSink.skip)
            opj_stream_set_seek_function(stream, OpenJPEGSink.seek)
            guard opj_start_compress(codec, image, stream) != 0 else {
                throw .encodeFailed("JPEG 2000: " + messages.describe("cannot start compressing"))
            }
            guard opj_encode(codec, stream) != 0 else {
                throw .encodeFailed("JPEG 2000: " + messages.describe("encoding failed"))
            }
            guard opj_end_compress(codec, stream) != 0 else {
                throw .encodeFailed("JPEG 2000: " + messages.describe("cannot finish compressing"))
            }
            guard !sink.failed else { throw .encodeFailed("JPEG 2000: output too large") }
            return sink.bytes
        }
    }
}

/// A growable output buffer with a position, for OpenJPEG's write, skip and seek callbacks.
private final class OpenJPEGSink {
    var bytes: [UInt8] = []
    var position = 0
    var failed = false

    /// Makes room for `end` bytes, filling any gap with zeros.
    func extend(to end: Int) {
        if end > bytes.count { bytes.append(contentsOf: repeatElement(0, count: end - bytes.count)) }
    }

    static let write: opj_stream_write_fn = { buffer, count, context in
        guard let buffer, let context else { return -1 }
        let sink = Unmanaged<OpenJPEGSink>.fromOpaque(context).takeUnretainedValue()
        let (end, overflow) = sink.position.addingReportingOverflow(count)
        guard !overflow, count >= 0, end <= 1 << 40 else {
            sink.failed = true
            return -1  // (OPJ_SIZE_T)-1: failure
        }
        sink.extend(to: end)
        sink.bytes.withUnsafeMutableBytes { target in
            (target.baseAddress! + sink.position).copyMemory(from: buffer, byteCount: count)
        }
        sink.position = end
        return count
    }

    static let skip: opj_stream_skip_fn = { count, context in
        guard let context else { return -1 }
        let sink = Unmanaged<OpenJPEGSink>.fromOpaque(context).takeUnretainedValue()
        let (target, overflow) = sink.position.addingReportingOverflow(Int(count))
        guard !overflow, target >= 0 else { return -1 }
        sink.position = target
        return count
    }

    static let seek: opj_stream_seek_fn = { offset, context in
        guard let context, offset >= 0 else { return 0 }
        Unmanaged<OpenJPEGSink>.fromOpaque(context).takeUnretainedValue().position = Int(offset)
        return 1
    }
}
