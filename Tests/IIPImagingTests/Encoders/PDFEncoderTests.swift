import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// PDFEncoder: the file structure, the embedded JPEG, and (when Ghostscript is installed) a real reader.
@Suite struct PDFEncoderTests {
    /// The text of a PDF as Latin-1, so byte offsets and character offsets agree.
    static func latin1(_ bytes: [UInt8]) -> String {
        String(bytes.map { Character(UnicodeScalar($0)) })
    }

    /// The xref entries: object number to byte offset.
    static func xref(_ pdf: [UInt8]) throws -> (offsets: [Int: Int], start: Int) {
        let text = latin1(pdf)
        let tail = String(text.suffix(64))
        let startLine = try #require(tail.components(separatedBy: "startxref\n").last?.split(separator: "\n").first)
        let start = try #require(Int(startLine))
        let table = Array(pdf[start...])
        #expect(Array(table.prefix(5)) == Array("xref\n".utf8))
        let header = latin1(Array(table.prefix(32))).split(separator: "\n")[1].split(separator: " ")
        let count = try #require(Int(header[1]))
        let firstEntry = 5 + header.joined(separator: " ").count + 1
        var offsets: [Int: Int] = [:]
        for number in 0..<count {
            let entry = latin1(Array(table[(firstEntry + number * 20)..<(firstEntry + number * 20 + 20)]))
            #expect(entry.hasSuffix("\r\n"))
            let parts = entry.split(separator: " ")
            #expect(parts[0].count == 10 && parts[1].count == 5)
            if number == 0 {
                #expect(entry == "0000000000 65535 f\r\n")
            } else {
                #expect(parts[2].hasPrefix("n"))
                offsets[number] = Int(parts[0])
            }
        }
        return (offsets, start)
    }

    @Test(arguments: [1, 3])
    func structureIsValid(channels: Int) throws {
        let pixels = TestPattern.render(width: 60, height: 40, channels: channels, seed: UInt64(90 + channels))
        let pdf = try PDFEncoder(jpegQuality: 90).encode(
            pixels, metadata: EncodingMetadata(fields: sampleFields(), software: "iipsrv-async/0.1.0"))
        let text = Self.latin1(pdf)
        #expect(text.hasPrefix("%PDF-1.4\n"))
        #expect(text.hasSuffix("%%EOF\n"))
        let (offsets, _) = try Self.xref(pdf)
        #expect(offsets.count == 6)
        for (number, offset) in offsets {
            #expect(Self.latin1(Array(pdf[offset..<(offset + 12)])).hasPrefix("\(number) 0 obj\n"))
        }
        #expect(text.contains("/MediaBox [0 0 60 40]"))
        #expect(text.contains("q 60 0 0 40 0 0 cm /Im0 Do Q"))
        #expect(text.contains(channels == 1 ? "/ColorSpace /DeviceGray" : "/ColorSpace /DeviceRGB"))
        #expect(text.contains("/Root 1 0 R") && text.contains("/Info 6 0 R") && text.contains("/Size 7"))
        #expect(text.contains("/Title (Test title)"))
        #expect(text.contains("/Author (A. Painter)"))
        #expect(text.contains("/Producer (iipsrv-async/0.1.0)"))
        #expect(text.contains("/Subject (A picture \\(with parentheses\\) and a back\\\\slash)"))
        #expect(text.contains("/CreationDate (D:20250102030405)"))
    }

    @Test(arguments: [1, 3, 4])
    func embeddedJPEGDecodesToTheImage(channels: Int) throws {
        let pixels = TestPattern.render(width: 50, height: 30, channels: channels, seed: 95)
        let pdf = try PDFEncoder(jpegQuality: 95).encode(pixels, metadata: EncodingMetadata())
        let (offsets, _) = try Self.xref(pdf)
        let object = try #require(offsets[4])
        let text = Self.latin1(Array(pdf[object...]))
        let lengthText = try #require(
            text.components(separatedBy: "/Length ").dropFirst().first?.prefix { $0.isNumber })
        let length = try #require(Int(lengthText))
        let streamStart = object + (try #require(text.range(of: "stream\n")).upperBound.utf16Offset(in: text))
        let jpeg = Array(pdf[streamStart..<(streamStart + length)])
        #expect(Self.latin1(Array(pdf[(streamStart + length)..<(streamStart + length + 10)])) == "\nendstream")
        let decoded = try JPEGDecoder().decode(jpeg)
        let expected = channels == 4 ? bands(pixels, [0, 1, 2]) : pixels
        #expect(decoded.width == 50 && decoded.height == 30 && decoded.channels == expected.channels)
        #expect(lumaPSNR(decoded, expected) > 30)
    }

    @Test func pageSizeFollowsTheDensity() throws {
        let pixels = PixelBuffer(width: 300, height: 150, channels: 1)
        func mediaBox(_ density: PhysicalResolution?) throws -> String {
            let text = Self.latin1(
                try PDFEncoder(jpegQuality: 50).encode(pixels, metadata: EncodingMetadata(density: density)))
            let box = try #require(text.components(separatedBy: "/MediaBox [").dropFirst().first)
            return String(box.prefix { $0 != "]" })
        }
        #expect(try mediaBox(nil) == "0 0 300 150")
        #expect(try mediaBox(PhysicalResolution(x: 300, y: 150, unit: .inch)) == "0 0 72 72")
        #expect(try mediaBox(PhysicalResolution(x: 100, y: 100, unit: .centimetre)) == "0 0 85.0394 42.5197")
        #expect(try mediaBox(PhysicalResolution(x: 3, y: 1, unit: .none)) == "0 0 300 150")
    }

    @Test func stringsAreEscaped() {
        #expect(PDFEncoder.textString("a(b)c\\d") == "(a\\(b\\)c\\\\d)")
        #expect(PDFEncoder.textString("line\nnext\t") == "(line\\012next\\011)")
        #expect(PDFEncoder.textString("Zoë") == "<FEFF005A006F00EB>")
        #expect(PDFEncoder.textString("😀") == "<FEFFD83DDE00>")
        #expect(PDFEncoder.number(85.039_37) == "85.0394")
        #expect(PDFEncoder.number(72) == "72")
        #expect(PDFEncoder.number(0.5) == "0.5")
        #expect(PDFEncoder.number(1.0001) == "1.0001")
        #expect(PDFEncoder.pdfDate("2025:01:02 03:04:05") == "D:20250102030405")
        #expect(PDFEncoder.pdfDate("yesterday") == nil)
        #expect(PDFEncoder.info(EncodingMetadata()) == "<< >>")
    }

    static let ghostscript = "/usr/bin/gs"

    // A real reader renders the page: Ghostscript at 72 dpi gives one pixel per image pixel.
    // Ghostscript is installed by .ci/install-deps; without it this test fails rather than being skipped.
    @Test func ghostscriptRendersThePage() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.ghostscript),
            "Ghostscript (/usr/bin/gs) is not installed: apt-get install ghostscript")
        let pixels = TestPattern.render(width: 64, height: 48, channels: 3, seed: 97)
        let pdf = try PDFEncoder(jpegQuality: 95).encode(
            pixels, metadata: EncodingMetadata(fields: sampleFields(), software: "iipsrv-async"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("page.pdf")
        let output = directory.appendingPathComponent("page.ppm")
        try Data(pdf).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.ghostscript)
        process.arguments = [
            "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dPDFSTOPONERROR", "-sDEVICE=ppmraw", "-r72",
            "-sOutputFile=\(output.path)", input.path,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        let messages = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(messages)")
        #expect(!messages.lowercased().contains("error"), "\(messages)")
        let ppm = [UInt8](try Data(contentsOf: output))
        // P6, then width, height and maximum, with optional comment lines
        let lines = Self.latin1(Array(ppm.prefix(200))).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines.joined(separator: " ").split(separator: " ")
        #expect(header.prefix(4) == ["P6", "64", "48", "255"])
        let rendered = PixelBuffer(width: 64, height: 48, channels: 3, bytes: Array(ppm.suffix(64 * 48 * 3)))
        #expect(lumaPSNR(rendered, pixels) > 25)
    }

    @Test func refusesWhatPDFCannotHold() {
        var images = unencodableImages()
        images.append(TestPattern.render(width: 8, height: 8, channels: 3, bits: 16, seed: 1))
        for pixels in images { expectEncodeFailure(PDFEncoder(jpegQuality: 75), pixels) }
    }
}
