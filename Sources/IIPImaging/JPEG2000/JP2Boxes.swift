import IIPModel

/// What the boxes of a JP2 file say beyond the codestream: the ICC profile of a restricted-ICC `colr` box, the
/// capture resolution (`res ` / `resc`, else `resd`) and an XMP packet (`uuid` box BE7ACFCB-97A9-42E8-9C71-
/// 999491E3AFAC), read from the top-level boxes, before or after the codestream (ISO/IEC 15444-1 Annex I).
///
/// A raw codestream (`.j2k`, `.j2c`) has no boxes and gives an empty set. Boxes that are malformed or larger than
/// the metadata limit are left out rather than refused: the pixels do not depend on them.
struct JP2Boxes: Sendable, Hashable {
    /// The embedded ICC profile.
    var iccProfile: [UInt8]?
    /// The XMP packet.
    var xmp: String?
    /// Pixels per centimetre, horizontal and vertical.
    var resolution: PhysicalResolution?
    /// Whether the header has a palette (`pclr`): indices that OpenJPEG expands to other components.
    var hasPalette = false
    /// Where the contiguous codestream (`jp2c` box content) starts, when there is one.
    var codestreamOffset: Int?

    /// The XMP `uuid` box's identifier.
    static let xmpUUID: [UInt8] = [
        0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
    ]

    /// No boxes (a raw codestream).
    init() {}

    /// Reads the boxes of `file`, examining at most `maxBoxes` of them and keeping none larger than `maxBytes`.
    init(reading file: OpenJPEGFileReader, maxBytes: Int, maxBoxes: Int = 256) {
        var offset = 0
        var examined = 0
        while examined < maxBoxes, let box = Self.box(in: file, at: offset, end: file.length) {
            examined += 1
            switch box.type {
            case "jp2c" where codestreamOffset == nil: codestreamOffset = box.contentStart
            case "jp2h": readHeader(file, from: box.contentStart, to: box.end, maxBytes: maxBytes)
            case "uuid" where box.end - box.contentStart > 16 && box.end - box.contentStart <= maxBytes + 16:
                let content = file.read(at: box.contentStart, count: box.end - box.contentStart)
                if content.count == box.end - box.contentStart, Array(content.prefix(16)) == Self.xmpUUID {
                    xmp = String(decoding: content.dropFirst(16), as: UTF8.self)
                }
            default: break
            }
            offset = box.end
        }
    }

    private mutating func readHeader(_ file: OpenJPEGFileReader, from start: Int, to end: Int, maxBytes: Int) {
        var offset = start
        var examined = 0
        while examined < 64, let box = Self.box(in: file, at: offset, end: end) {
            examined += 1
            let size = box.end - box.contentStart
            switch box.type {
            case "colr" where size > 3 && size <= maxBytes + 3 && iccProfile == nil:
                let content = file.read(at: box.contentStart, count: size)
                // METH 2 (restricted ICC) and 3 (any ICC) carry a profile after METH, PREC and APPROX.
                if content.count == size, content[0] == 2 || content[0] == 3 {
                    iccProfile = Array(content.dropFirst(3))
                }
            case "res ": readResolution(file, from: box.contentStart, to: box.end)
            case "pclr": hasPalette = true
            default: break
            }
            offset = box.end
        }
    }

    private mutating func readResolution(_ file: OpenJPEGFileReader, from start: Int, to end: Int) {
        var offset = start
        var display: PhysicalResolution?
        var examined = 0
        while examined < 8, let box = Self.box(in: file, at: offset, end: end) {
            examined += 1
            if box.end - box.contentStart == 10, box.type == "resc" || box.type == "resd" {
                let value = Self.resolution(file.read(at: box.contentStart, count: 10))
                if box.type == "resc" {
                    resolution = value
                } else {
                    display = value
                }
            }
            offset = box.end
        }
        if resolution == nil { resolution = display }
    }

    /// VR_N, VR_D, HR_N, HR_D (16 bits each), VR_E, HR_E (signed 8 bits), in grid points per metre.
    private static func resolution(_ bytes: [UInt8]) -> PhysicalResolution? {
        guard bytes.count == 10 else { return nil }
        func u16(_ index: Int) -> Double { Double(Int(bytes[index]) << 8 | Int(bytes[index + 1])) }
        let (vn, vd, hn, hd) = (u16(0), u16(2), u16(4), u16(6))
        let ve = Double(Int8(bitPattern: bytes[8]))
        let he = Double(Int8(bitPattern: bytes[9]))
        guard vd > 0, hd > 0, vn > 0, hn > 0 else { return nil }
        let vertical = vn / vd * pow10(ve) / 100
        let horizontal = hn / hd * pow10(he) / 100
        guard vertical.isFinite, horizontal.isFinite else { return nil }
        return PhysicalResolution(x: horizontal, y: vertical, unit: .centimetre)
    }

    private static func pow10(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(abs(exponent)) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    /// One box header: its four-character type, where its content starts and where it ends.
    private static func box(
        in file: OpenJPEGFileReader, at offset: Int, end: Int
    ) -> (type: String, contentStart: Int, end: Int)? {
        guard offset >= 0, offset + 8 <= end else { return nil }
        let header = file.read(at: offset, count: 16)
        guard header.count >= 8 else { return nil }
        let small = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        let type = String(decoding: header[4..<8], as: UTF8.self)
        var contentStart = offset + 8
        var boxEnd: Int
        switch small {
        case 0: boxEnd = end
        case 1:
            guard header.count == 16 else { return nil }
            var large: UInt64 = 0
            for byte in header[8..<16] { large = large << 8 | UInt64(byte) }
            guard large >= 16, large <= UInt64(end - offset) else { return nil }
            contentStart = offset + 16
            boxEnd = offset + Int(large)
        default:
            guard small >= 8 else { return nil }
            boxEnd = offset + small
        }
        guard boxEnd <= end else { return nil }
        return (type, contentStart, boxEnd)
    }
}
