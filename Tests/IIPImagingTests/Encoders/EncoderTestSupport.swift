import CGIF
import CIIPShims
import COpenJPEG
import CPNG
import CTIFF
import CWebP
import Foundation
import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

// Decoders built on the real libraries, and helpers for reading containers, shared by the encoder tests.

// MARK: Errors

/// Records an issue unless encoding `pixels` throws ``ImagingError/encodeFailed(_:)``.
func expectEncodeFailure(
    _ encoder: any ImageEncoder, _ pixels: PixelBuffer, metadata: EncodingMetadata = EncodingMetadata(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let bytes = try encoder.encode(pixels, metadata: metadata)
        Issue.record("expected encodeFailed, got \(bytes.count) bytes", sourceLocation: sourceLocation)
    } catch {
        guard case .encodeFailed(let message) = error else {
            Issue.record("expected encodeFailed, got \(error)", sourceLocation: sourceLocation)
            return
        }
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
    }
}

/// Images no encoder accepts: empty, five channels, float samples, a byte count that does not match.
func unencodableImages() -> [PixelBuffer] {
    var truncated = PixelBuffer(width: 4, height: 4, channels: 3)
    truncated.bytes.removeLast(5)
    return [
        PixelBuffer(width: 0, height: 0, channels: 3),
        PixelBuffer(width: 0, height: 7, channels: 1),
        PixelBuffer(width: 4, height: 4, channels: 5),
        PixelBuffer(width: 4, height: 4, channels: 1, bitsPerSample: 32, sampleFormat: .floatingPoint),
        truncated,
    ]
}

// MARK: Test data

/// A minimal, structurally valid ICC profile (v2 header, no tags) of `length` bytes (a multiple of 4, >= 132).
func testICCProfile(colourSpace: String = "RGB ", length: Int = 132, seed: UInt8 = 7) -> [UInt8] {
    precondition(length >= 132 && length % 4 == 0)
    var profile = [UInt8](repeating: 0, count: length)
    func put32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { profile[offset + index] = UInt8((value >> (24 - 8 * UInt32(index))) & 0xFF) }
    }
    func put(_ text: String, at offset: Int) {
        for (index, byte) in text.utf8.enumerated() { profile[offset + index] = byte }
    }
    put32(UInt32(length), at: 0)
    put32(0x0210_0000, at: 8)
    put("mntr", at: 12)
    put(colourSpace, at: 16)
    put("XYZ ", at: 20)
    put("acsp", at: 36)
    put32(0x0000_F6D6, at: 68)
    put32(0x0001_0000, at: 72)
    put32(0x0000_D32D, at: 76)
    put32(0, at: 128)  // no tags
    for index in 132..<length { profile[index] = UInt8(truncatingIfNeeded: index &* 31 &+ Int(seed)) }
    return profile
}

/// Descriptive fields with every text the encoders write.
func sampleFields() -> ImageMetadata {
    var fields = ImageMetadata()
    fields.title = "Test title"
    fields.creator = "A. Painter"
    fields.rights = "(c) 2025 Somebody"
    fields.description = "A picture (with parentheses) and a back\\slash"
    fields.date = "2025:01:02 03:04:05"
    return fields
}

let sampleXMP = """
    <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\
    <rdf:Description rdf:about=""/></rdf:RDF></x:xmpmeta>
    """

/// The samples of `pixels` with only the given bands (8 or 16 bits).
func bands(_ pixels: PixelBuffer, _ selected: [Int]) -> PixelBuffer {
    let size = pixels.bytesPerSample
    var output = PixelBuffer(
        width: pixels.width, height: pixels.height, channels: selected.count, bitsPerSample: pixels.bitsPerSample)
    for pixel in 0..<(pixels.width * pixels.height) {
        for (index, band) in selected.enumerated() {
            for byte in 0..<size {
                output.bytes[(pixel * selected.count + index) * size + byte] =
                    pixels.bytes[(pixel * pixels.channels + band) * size + byte]
            }
        }
    }
    return output
}

// MARK: Byte access

func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> Int {
    Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
}

func littleEndian32(_ bytes: [UInt8], _ offset: Int) -> Int {
    Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
}

/// Whether `needle` occurs in `haystack`.
func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
        if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
}

/// zlib's `uncompress`, found in the process (libpng links zlib) so the tests need no zlib module.
func zlibInflate(_ data: [UInt8], expectedSize: Int) -> [UInt8]? {
    typealias Uncompress =
        @convention(c) (
            UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt
        ) -> Int32
    guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "uncompress") else { return nil }
    let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
    var output = [UInt8](repeating: 0, count: max(expectedSize, 1))
    var length = UInt(output.count)
    let status = output.withUnsafeMutableBufferPointer { target in
        data.withUnsafeBufferPointer { source in
            uncompress(target.baseAddress, &length, source.baseAddress, UInt(source.count))
        }
    }
    guard status == 0 else { return nil }
    return Array(output.prefix(Int(length)))
}

// MARK: PNG

/// PNG chunks in file order: type and data.
func pngChunks(_ png: [UInt8]) -> [(type: String, data: [UInt8])] {
    var chunks: [(String, [UInt8])] = []
    var offset = 8
    while offset + 12 <= png.count {
        let length = bigEndian32(png, offset)
        let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
        guard offset + 12 + length <= png.count else { break }
        chunks.append((type, Array(png[(offset + 8)..<(offset + 8 + length)])))
        offset += 12 + length
    }
    return chunks
}

/// Decodes a PNG with libpng's simplified API into `channels` channels of 8 or 16 bits (machine order).
///
/// 16-bit output is linear and, with alpha, premultiplied by libpng.
func decodePNG(_ png: [UInt8], channels: Int, bits: Int) throws -> PixelBuffer {
    try PNGDecoding.decode(png, channels: channels, bits: bits)
}

// MARK: WebP

/// The four-character codes of a RIFF WebP's top-level chunks.
func riffChunkTypes(_ webp: [UInt8]) -> [String] {
    var types: [String] = []
    var offset = 12
    while offset + 8 <= webp.count {
        types.append(String(decoding: webp[offset..<(offset + 4)], as: UTF8.self))
        let size = littleEndian32(webp, offset + 4)
        offset += 8 + size + (size & 1)
    }
    return types
}

// MARK: GIF

/// What a GIF decodes to with giflib.
struct DecodedGIF {
    var width: Int
    var height: Int
    /// Palette indices, row-major.
    var indices: [UInt8]
    /// The colour table used by the image, as RGB triples.
    var palette: [[UInt8]]
    /// The transparent index from the graphics control extension, if any.
    var transparent: Int?
    /// The comment extension's text, if any.
    var comment: String?

    /// The RGB samples of pixel `index`.
    func rgb(_ index: Int) -> [UInt8] { palette[Int(indices[index])] }
}

private final class GIFSource {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Decodes a single-image GIF from memory with `DGifOpen` and `DGifSlurp`.
func decodeGIF(_ gif: [UInt8]) throws -> DecodedGIF {
    let source = GIFSource(gif)
    let input: InputFunc = { file, buffer, length in
        guard let file, let buffer, let user = file.pointee.UserData else { return 0 }
        let source = Unmanaged<GIFSource>.fromOpaque(user).takeUnretainedValue()
        let count = min(Int(length), source.bytes.count - source.position)
        for index in 0..<count { buffer[index] = source.bytes[source.position + index] }
        source.position += count
        return Int32(count)
    }
    return try withExtendedLifetime(source) {
        var error: Int32 = 0
        let file = try #require(DGifOpen(Unmanaged.passUnretained(source).toOpaque(), input, &error))
        defer { DGifCloseFile(file, &error) }
        try #require(DGifSlurp(file) == GIF_OK, "DGifSlurp failed: \(file.pointee.Error)")
        try #require(file.pointee.ImageCount == 1)
        let saved = file.pointee.SavedImages[0]
        let width = Int(saved.ImageDesc.Width)
        let height = Int(saved.ImageDesc.Height)
        let map = try #require(saved.ImageDesc.ColorMap ?? file.pointee.SColorMap)
        let palette = (0..<Int(map.pointee.ColorCount)).map { index in
            let colour = map.pointee.Colors[index]
            return [colour.Red, colour.Green, colour.Blue]
        }
        var control = GraphicsControlBlock()
        var transparent: Int?
        if DGifSavedExtensionToGCB(file, 0, &control) == GIF_OK, control.TransparentColor >= 0 {
            transparent = Int(control.TransparentColor)
        }
        var comment: String?
        for index in 0..<Int(saved.ExtensionBlockCount) {
            let block = saved.ExtensionBlocks[index]
            if block.Function == COMMENT_EXT_FUNC_CODE {
                comment = String(
                    decoding: UnsafeBufferPointer(start: block.Bytes, count: Int(block.ByteCount)), as: UTF8.self)
            }
        }
        return DecodedGIF(
            width: width, height: height,
            indices: Array(UnsafeBufferPointer(start: saved.RasterBits, count: width * height)), palette: palette,
            transparent: transparent, comment: comment)
    }
}

// MARK: TIFF

/// A TIFF opened from memory through the encoder's own client-open shim.
final class MemoryTIFF {
    let memory: OpaquePointer
    let handle: OpaquePointer
    private let messages: UnsafeMutablePointer<iip_tiff_messages>

    init(_ bytes: [UInt8]) throws {
        messages = .allocate(capacity: 1)
        messages.initialize(to: iip_tiff_messages())
        memory = try #require(bytes.withUnsafeBytes { iip_tiff_memory_create($0.baseAddress, $0.count) })
        guard let tif = iip_tiff_memory_open(memory, "r", messages) else {
            iip_tiff_memory_free(memory)
            messages.deallocate()
            throw TIFFReadError()
        }
        handle = tif
    }

    deinit {
        TIFFClose(handle)
        iip_tiff_memory_free(memory)
        messages.deallocate()
    }

    struct TIFFReadError: Error {}

    func u16(_ tag: Int32) -> UInt16? {
        var value: UInt16 = 0
        return iip_tiff_get_u16(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func u32(_ tag: Int32) -> UInt32? {
        var value: UInt32 = 0
        return iip_tiff_get_u32(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func float(_ tag: Int32) -> Float? {
        var value: Float = 0
        return iip_tiff_get_float(handle, UInt32(tag), &value) == 1 ? value : nil
    }

    func string(_ tag: Int32) -> String? {
        var pointer: UnsafePointer<CChar>?
        guard iip_tiff_get_string(handle, UInt32(tag), &pointer) == 1, let pointer else { return nil }
        return String(cString: pointer)
    }

    func bytes(_ tag: Int32) -> [UInt8]? {
        var count: UInt32 = 0
        var data: UnsafeRawPointer?
        guard iip_tiff_get_bytes(handle, UInt32(tag), &count, &data) == 1, let data else { return nil }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(count)))
    }

    func extraSamples() -> [UInt16] {
        var count: UInt16 = 0
        var types: UnsafePointer<UInt16>?
        guard iip_tiff_get_extrasamples(handle, &count, &types) == 1, let types else { return [] }
        return Array(UnsafeBufferPointer(start: types, count: Int(count)))
    }

    /// Reads every strip into one buffer (YCbCr JPEG converted to RGB).
    func pixels() throws -> PixelBuffer {
        let width = Int(try #require(u32(TIFFTAG_IMAGEWIDTH)))
        let height = Int(try #require(u32(TIFFTAG_IMAGELENGTH)))
        let channels = Int(u16(TIFFTAG_SAMPLESPERPIXEL) ?? 1)
        let bits = Int(u16(TIFFTAG_BITSPERSAMPLE) ?? 1)
        if u16(TIFFTAG_PHOTOMETRIC) == UInt16(PHOTOMETRIC_YCBCR) {
            _ = iip_tiff_set_int(handle, UInt32(TIFFTAG_JPEGCOLORMODE), JPEGCOLORMODE_RGB)
        }
        var output = PixelBuffer(width: width, height: height, channels: channels, bitsPerSample: bits)
        var offset = 0
        for strip in 0..<TIFFNumberOfStrips(handle) {
            let read = output.bytes.withUnsafeMutableBytes { raw in
                TIFFReadEncodedStrip(handle, strip, raw.baseAddress! + offset, -1)
            }
            try #require(read > 0, "TIFFReadEncodedStrip failed")
            offset += Int(read)
        }
        #expect(offset == output.bytes.count)
        return output
    }
}

// MARK: JPEG 2000

private final class JP2Source {
    let bytes: [UInt8]
    var position = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// What OpenJPEG decodes from a JP2.
struct DecodedJP2 {
    var pixels: PixelBuffer
    var precision: Int
    var colourSpace: OPJ_COLOR_SPACE
    var alpha: [Bool]
    var icc: [UInt8]?
    var resolutions: Int
}

/// Decodes a JP2 from memory with OpenJPEG (read, skip and seek callbacks over the bytes).
func decodeJP2(_ jp2: [UInt8]) throws -> DecodedJP2 {
    let source = JP2Source(jp2)
    return try withExtendedLifetime(source) {
        let stream = try #require(opj_stream_create(Int(OPJ_J2K_STREAM_CHUNK_SIZE), 1))
        defer { opj_stream_destroy(stream) }
        opj_stream_set_user_data(stream, Unmanaged.passUnretained(source).toOpaque(), nil)
        opj_stream_set_user_data_length(stream, UInt64(jp2.count))
        opj_stream_set_read_function(stream) { buffer, count, context in
            guard let buffer, let context else { return -1 }
            let source = Unmanaged<JP2Source>.fromOpaque(context).takeUnretainedValue()
            let available = min(count, source.bytes.count - source.position)
            guard available > 0 else { return -1 }
            source.bytes.withUnsafeBytes { raw in
                buffer.copyMemory(from: raw.baseAddress! + source.position, byteCount: available)
            }
            source.position += available
            return available
        }
        opj_stream_set_skip_function(stream) { count, context in
            guard let context else { return -1 }
            let source = Unmanaged<JP2Source>.fromOpaque(context).takeUnretainedValue()
            source.position = min(max(source.position + Int(count), 0), source.bytes.count)
            return count
        }
        opj_stream_set_seek_function(stream) { offset, context in
            guard let context else { return 0 }
            let source = Unmanaged<JP2Source>.fromOpaque(context).takeUnretainedValue()
            guard offset >= 0, Int(offset) <= source.bytes.count else { return 0 }
            source.position = Int(offset)
            return 1
        }
        let codec = try #require(opj_create_decompress(OPJ_CODEC_JP2))
        defer { opj_destroy_codec(codec) }
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        try #require(opj_setup_decoder(codec, &parameters) != 0)
        var imagePointer: UnsafeMutablePointer<opj_image_t>?
        try #require(opj_read_header(stream, codec, &imagePointer) != 0, "opj_read_header failed")
        let image = try #require(imagePointer)
        defer { opj_image_destroy(image) }
        try #require(opj_decode(codec, stream, image) != 0, "opj_decode failed")
        try #require(opj_end_decompress(codec, stream) != 0)

        var resolutions = 0
        if let info = opj_get_cstr_info(codec) {
            resolutions = Int(info.pointee.m_default_tile_info.tccp_info[0].numresolutions)
            var copy: UnsafeMutablePointer<opj_codestream_info_v2_t>? = info
            opj_destroy_cstr_info(&copy)
        }
        let channels = Int(image.pointee.numcomps)
        let first = image.pointee.comps[0]
        let width = Int(first.w)
        let height = Int(first.h)
        let precision = Int(first.prec)
        let bits = precision > 8 ? 16 : 8
        var pixels = PixelBuffer(width: width, height: height, channels: channels, bitsPerSample: bits)
        var alpha: [Bool] = []
        for component in 0..<channels {
            let entry = image.pointee.comps[component]
            alpha.append(entry.alpha != 0)
            for pixel in 0..<(width * height) {
                let value = Int(entry.data[pixel])
                let index = pixel * channels + component
                if bits == 16 {
                    pixels.bytes[index * 2] = UInt8(value & 0xFF)
                    pixels.bytes[index * 2 + 1] = UInt8(value >> 8)
                } else {
                    pixels.bytes[index] = UInt8(value)
                }
            }
        }
        var icc: [UInt8]?
        if let profile = image.pointee.icc_profile_buf, image.pointee.icc_profile_len > 0 {
            icc = Array(UnsafeBufferPointer(start: profile, count: Int(image.pointee.icc_profile_len)))
        }
        return DecodedJP2(
            pixels: pixels, precision: precision, colourSpace: image.pointee.color_space, alpha: alpha, icc: icc,
            resolutions: resolutions)
    }
}
