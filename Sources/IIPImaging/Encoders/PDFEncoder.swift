public import IIPModel

/// Writes a minimal single-page PDF 1.4 holding the image as a JPEG (`/DCTDecode`) XObject, without a PDF library.
///
/// Takes 8-bit samples with 1 to 4 channels; an alpha band is dropped (the page shows the colour or grey bands).
/// The page is the image's size in points (72 per inch) at `metadata.density` when it has a unit, else 72 dpi.
/// The Info dictionary carries Title, Author, Subject (the description), Producer (`software`) and a
/// CreationDate when the date field parses as a TIFF date (`YYYY:MM:DD HH:MM:SS`). The JPEG itself carries no
/// metadata segments.
public struct PDFEncoder: ImageEncoder {
    /// Quality of the embedded JPEG, 1-100 (clamped).
    public var jpegQuality: Int

    /// Creates an encoder.
    public init(jpegQuality: Int = 75) {
        self.jpegQuality = jpegQuality
    }

    /// The format written.
    public var format: OutputFormat { .pdf }

    /// Encodes `pixels` with `metadata`.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        try pixels.validateForEncoding("PDF", bits: [8], channels: 1...4, maxSide: OutputFormat.pdf.maxSide)
        let opaque: PixelBuffer =
            switch pixels.channels {
            case 2: pixels.selectingBands([0])
            case 4: pixels.selectingBands([0, 1, 2])
            default: pixels
            }
        let jpeg = try JPEGEncoder(quality: jpegQuality).encode(opaque)
        let dotsPerInch = Self.dotsPerInch(metadata.density)
        let pageWidth = Double(pixels.width) * 72 / dotsPerInch.x
        let pageHeight = Double(pixels.height) * 72 / dotsPerInch.y
        let size = "\(Self.number(pageWidth)) \(Self.number(pageHeight))"
        let colourSpace = opaque.channels == 1 ? "/DeviceGray" : "/DeviceRGB"

        var writer = PDFWriter()
        writer.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        writer.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        writer.object(
            3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(size)] /Resources << /XObject << /Im0 4 0 R >> "
                + "/ProcSet [/PDF /ImageB /ImageC] >> /Contents 5 0 R >>")
        writer.stream(
            4,
            "<< /Type /XObject /Subtype /Image /Width \(pixels.width) /Height \(pixels.height) "
                + "/ColorSpace \(colourSpace) /BitsPerComponent 8 /Filter /DCTDecode /Length \(jpeg.count) >>",
            jpeg)
        let content = Array("q \(size.replacingSpace(with: " 0 0 ")) 0 0 cm /Im0 Do Q\n".utf8)
        writer.stream(5, "<< /Length \(content.count) >>", content)
        writer.object(6, Self.info(metadata))
        return writer.finish(root: 1, info: 6)
    }

    // MARK: Values

    /// Horizontal and vertical dots per inch: from the density when it has a unit, else 72.
    static func dotsPerInch(_ density: PhysicalResolution?) -> (x: Double, y: Double) {
        guard let density, density.x.isFinite, density.y.isFinite, density.x > 0, density.y > 0 else { return (72, 72) }
        switch density.unit {
        case .inch: return (density.x, density.y)
        case .centimetre: return (density.x * 2.54, density.y * 2.54)
        case .none: return (72, 72)
        }
    }

    /// A PDF real: at most four decimals, no exponent, no trailing zeros.
    ///
    /// Page sizes come from the image's density, which a file can make tiny: values are clamped to
    /// 0...1,000,000,000 (NaN counts as 0) before they become integers.
    static func number(_ value: Double) -> String {
        let clamped = value.isNaN ? 0 : min(max(value, 0), 1_000_000_000)
        let scaled = Int((clamped * 10000).rounded())
        let whole = scaled / 10000
        var fraction = String(scaled % 10000)
        guard fraction != "0" else { return String(whole) }
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    /// A PDF text string: a literal string with `(`, `)`, `\` and control characters escaped when the text is ASCII,
    /// else UTF-16BE with a byte order mark as a hex string.
    static func textString(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var output = "("
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                    output += "\\" + String(UnicodeScalar(byte))
                case 0x20..<0x7F:
                    output.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let octal = String(byte, radix: 8)
                    output += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                }
            }
            return output + ")"
        }
        var output = "<FEFF"
        for unit in text.utf16 {
            let hex = String(unit, radix: 16, uppercase: true)
            output += String(repeating: "0", count: 4 - hex.count) + hex
        }
        return output + ">"
    }

    /// `D:YYYYMMDDHHmmSS` from a TIFF `YYYY:MM:DD HH:MM:SS` date, or `nil` when it does not parse.
    static func pdfDate(_ tiffDate: String?) -> String? {
        guard let tiffDate else { return nil }
        let digits = tiffDate.filter(\.isNumber)
        let separators = tiffDate.filter { !$0.isNumber }
        guard digits.count == 14, tiffDate.count == 19, separators == ":: ::" else { return nil }
        return "D:" + digits
    }

    static func info(_ metadata: EncodingMetadata) -> String {
        let fields = metadata.fields
        var entries: [String] = []
        let pairs: [(String, String?)] = [
            ("Title", fields.title), ("Author", fields.creator), ("Subject", fields.description),
            ("Producer", metadata.software),
        ]
        for (key, value) in pairs {
            if let value = EncodingMetadata.nonEmpty(value) { entries.append("/\(key) \(textString(value))") }
        }
        if let date = pdfDate(fields.date) { entries.append("/CreationDate \(textString(date))") }
        return entries.isEmpty ? "<< >>" : "<< " + entries.joined(separator: " ") + " >>"
    }
}

/// Appends numbered objects and remembers their offsets for the cross-reference table.
private struct PDFWriter {
    var bytes: [UInt8] = Array("%PDF-1.4\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
    var offsets: [Int: Int] = [:]

    mutating func object(_ number: Int, _ body: String) {
        offsets[number] = bytes.count
        bytes += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
    }

    mutating func stream(_ number: Int, _ dictionary: String, _ data: [UInt8]) {
        offsets[number] = bytes.count
        bytes += Array("\(number) 0 obj\n\(dictionary)\nstream\n".utf8)
        bytes += data
        bytes += Array("\nendstream\nendobj\n".utf8)
    }

    /// Appends the xref table (20-byte entries with 10-digit offsets), the trailer and `%%EOF`.
    mutating func finish(root: Int, info: Int) -> [UInt8] {
        let count = (offsets.keys.max() ?? 0) + 1
        let start = bytes.count
        var table = "xref\n0 \(count)\n0000000000 65535 f\r\n"
        for number in 1..<count {
            let offset = String(offsets[number] ?? 0)
            table += String(repeating: "0", count: max(10 - offset.count, 0)) + offset + " 00000 n\r\n"
        }
        table += "trailer\n<< /Size \(count) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(start)\n%%EOF\n"
        bytes += Array(table.utf8)
        return bytes
    }
}

extension String {
    fileprivate func replacingSpace(with replacement: String) -> String {
        split(separator: " ", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
