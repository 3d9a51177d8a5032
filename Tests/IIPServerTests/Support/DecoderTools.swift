import CPNG
import Foundation
import IIPImaging
import Testing

/// The AVIF and JPEG XL libraries' own command-line decoders (`avifdec` from libavif-bin, `djxl` from
/// libjxl-tools): a response body is written to a file, the tool turns it into a PNG, and the PNG is read back with
/// libpng, so what the tests check is what the reference decoders make of the server's bytes.
enum DecoderTools {
    /// What a tool decoded.
    struct Decoded {
        /// 8-bit samples as the PNG holds them: grey, grey and alpha, RGB or RGBA.
        var pixels: PixelBuffer
        /// The ICC profile the tool reports for the original picture (`djxl --orig_icc_out`) or wrote into the PNG.
        var icc: [UInt8]?
        /// `avifdec`'s description lines (`Format`, `ICC Profile`, `XMP Metadata` ...) by label; empty for `djxl`.
        var details: [String: String]
    }

    /// Decodes an AVIF body with `avifdec`.
    static func avifdec(_ body: [UInt8]) async throws -> Decoded {
        let tool = try TestEnvironment.require("avifdec", package: "libavif-bin")
        let folder = try TestEnvironment.temporaryFolder("avifdec")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(body).write(to: URL(fileURLWithPath: folder + "/in.avif"))
        let output = try await run(tool, [folder + "/in.avif", folder + "/out.png"], folder: folder)
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/out.png")))
        var details: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix(" * ") {
            let parts = line.dropFirst(3).split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            details[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return Decoded(pixels: try decodePNG(png), icc: pngICCProfile(png), details: details)
    }

    /// Decodes a JPEG XL body with `djxl`, with the original picture's ICC profile.
    static func djxl(_ body: [UInt8]) async throws -> Decoded {
        let tool = try TestEnvironment.require("djxl", package: "libjxl-tools")
        let folder = try TestEnvironment.temporaryFolder("djxl")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(body).write(to: URL(fileURLWithPath: folder + "/in.jxl"))
        _ = try await run(
            tool, [folder + "/in.jxl", folder + "/out.png", "--num_threads=1", "--orig_icc_out=\(folder)/icc"],
            folder: folder)
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/out.png")))
        let icc = try? [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/icc")))
        return Decoded(pixels: try decodePNG(png), icc: icc, details: [:])
    }

    private static func run(_ tool: String, _ arguments: [String], folder: String) async throws -> String {
        let process = try ExternalProcess(tool, arguments, logDirectory: folder)
        let status = await process.waitForExit(timeout: .seconds(60))
        let output = process.output
        try #require(
            status == 0,
            "\(tool) \(arguments.joined(separator: " ")): \(status.map(String.init) ?? "timeout"): \(output)")
        return output
    }

    /// Decodes a PNG with libpng's simplified API, keeping its channels (8 bits each).
    static func decodePNG(_ png: [UInt8]) throws -> PixelBuffer {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = png.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        defer { png_image_free(&image) }
        try #require(begun != 0, "not a PNG")
        image.format &= UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let channels = Int(
            (image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0 ? 3 : 1)
                + (image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0 ? 1 : 0))
        var pixels = PixelBuffer(width: Int(image.width), height: Int(image.height), channels: channels)
        let finished = pixels.bytes.withUnsafeMutableBytes {
            png_image_finish_read(&image, nil, $0.baseAddress, 0, nil)
        }
        try #require(finished != 0, "png_image_finish_read failed")
        return pixels
    }

    /// The ICC profile of a PNG's iCCP chunk (inflated with zlib, which libpng links), or `nil`.
    static func pngICCProfile(_ png: [UInt8]) -> [UInt8]? {
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= png.count else { return nil }
            if type == "iCCP" {
                let data = Array(png[(offset + 8)..<(offset + 8 + length)])
                guard let nul = data.firstIndex(of: 0), nul + 2 <= data.count else { return nil }
                return inflate(Array(data[(nul + 2)...]))
            }
            offset += 12 + length
        }
        return nil
    }

    private static func inflate(_ data: [UInt8]) -> [UInt8]? {
        typealias Uncompress =
            @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?, UnsafePointer<UInt8>?, UInt) ->
            Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "uncompress") else { return nil }
        let uncompress = unsafeBitCast(symbol, to: Uncompress.self)
        var output = [UInt8](repeating: 0, count: 1 << 22)
        var length = UInt(output.count)
        let status = output.withUnsafeMutableBufferPointer { target in
            data.withUnsafeBufferPointer { uncompress(target.baseAddress, &length, $0.baseAddress, UInt($0.count)) }
        }
        return status == 0 ? Array(output.prefix(Int(length))) : nil
    }
}
