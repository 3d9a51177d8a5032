import CTurboJPEG
import Foundation
public import IIPImaging

/// Plain JPEG test images written by libjpeg-turbo (TurboJPEG), with metadata markers spliced in here (not by the
/// server's own encoder, so that reading them back checks the reader against an independent writer).
public enum JPEGFixtures {
    /// How a fixture is encoded.
    public struct Spec: Sendable, Hashable {
        /// File name.
        public var name: String
        /// Width in pixels.
        public var width: Int
        /// Height in pixels.
        public var height: Int
        /// 1 (grey), 3 (YCbCr) or 4 (CMYK, written by libjpeg-turbo as YCCK).
        public var channels = 3
        /// Chroma subsampling: 4:4:4 when false, 4:2:0 when true.
        public var subsampled = true
        /// Progressive instead of baseline.
        public var progressive = false
        /// Quality 1-100.
        public var quality = 90
        /// ICC profile (APP2 chunks), XMP and EXIF (APP1) payloads to splice in.
        public var icc: [UInt8]? = nil
        /// The XMP packet.
        public var xmp: String? = nil
        /// The EXIF block (TIFF structure, without `Exif\0\0`).
        public var exif: [UInt8]? = nil
        /// JFIF density: unit (0 aspect, 1 inch, 2 cm) and values.
        public var density: (unit: UInt8, x: UInt16, y: UInt16)? = nil

        /// A spec with defaults: 4:2:0 YCbCr baseline, quality 90, no metadata.
        public init(_ name: String, width: Int, height: Int) {
            self.name = name
            self.width = width
            self.height = height
        }

        /// Returns a copy changed by `update`.
        public func with(_ update: (inout Spec) -> Void) -> Spec {
            var copy = self
            update(&copy)
            return copy
        }

        /// Specs are the same fixture when their names are.
        public static func == (a: Spec, b: Spec) -> Bool { a.name == b.name }
        /// Hashes the name.
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    /// Why a fixture could not be written.
    public struct EncodeError: Error, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    /// The picture a spec encodes (CMYK: the RGB pattern plus a fourth band).
    public static func picture(_ spec: Spec) -> PixelBuffer {
        TestPattern.render(
            width: spec.width, height: spec.height, channels: spec.channels, seed: Fixtures.seed(for: spec.name))
    }

    /// The encoded bytes of a spec.
    public static func encode(_ spec: Spec) throws -> [UInt8] {
        let pixels = picture(spec)
        guard let handle = tjInitCompress() else { throw EncodeError(description: "tjInitCompress failed") }
        defer { tjDestroy(handle) }
        let format: TJPF =
            switch spec.channels {
            case 1: TJPF_GRAY
            case 4: TJPF_CMYK
            default: TJPF_RGB
            }
        let subsampling: TJSAMP =
            spec.channels == 1 ? TJSAMP_GRAY : (spec.subsampled ? TJSAMP_420 : TJSAMP_444)
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = pixels.bytes.withUnsafeBufferPointer { source in
            tjCompress2(
                handle, source.baseAddress, Int32(spec.width), 0, Int32(spec.height), Int32(format.rawValue),
                &output, &size, Int32(subsampling.rawValue), Int32(spec.quality),
                spec.progressive ? TJFLAG_PROGRESSIVE : 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output else {
            throw EncodeError(description: String(cString: tjGetErrorStr2(handle)))
        }
        var jpeg = Array(UnsafeBufferPointer(start: output, count: Int(size)))
        if let density = spec.density, jpeg.count > 18, jpeg[2] == 0xFF, jpeg[3] == 0xE0 {
            // JFIF APP0: FFD8 FFE0 length "JFIF\0" version, then units, X density, Y density.
            jpeg[13] = density.unit
            jpeg[14] = UInt8(density.x >> 8)
            jpeg[15] = UInt8(density.x & 0xFF)
            jpeg[16] = UInt8(density.y >> 8)
            jpeg[17] = UInt8(density.y & 0xFF)
        }
        var segments: [UInt8] = []
        if let exif = spec.exif { segments += segment(0xE1, Array("Exif".utf8) + [0, 0] + exif) }
        if let xmp = spec.xmp { segments += segment(0xE1, Array("http://ns.adobe.com/xap/1.0/".utf8) + [0] + xmp.utf8) }
        if let icc = spec.icc {
            // Two chunks, so that reading joins them.
            let half = icc.count / 2
            let chunks = [Array(icc[..<half]), Array(icc[half...])]
            for (index, chunk) in chunks.enumerated() {
                segments += segment(0xE2, Array("ICC_PROFILE".utf8) + [0, UInt8(index + 1), 2] + chunk)
            }
        }
        let app0End = jpeg[3] == 0xE0 ? 4 + (Int(jpeg[4]) << 8 | Int(jpeg[5])) : 2
        jpeg.insert(contentsOf: segments, at: app0End)
        return jpeg
    }

    private static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var written: Set<String> = []

    /// Writes the fixture once per process (in ``Fixtures/directory``) and returns its file name.
    @discardableResult
    public static func make(_ spec: Spec) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if written.contains(spec.name) { return spec.name }
        let path = Fixtures.path(spec.name)
        try Data(encode(spec)).write(to: URL(fileURLWithPath: path + ".partial"))
        guard rename(path + ".partial", path) == 0 else { throw EncodeError(description: "cannot rename") }
        written.insert(spec.name)
        return spec.name
    }
}
