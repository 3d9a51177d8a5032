import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// Output formats, the encoder factory, and concurrent use of every encoder.
@Suite struct ImageEncodersTests {
    @Test func formatsDescribeThemselves() {
        #expect(
            OutputFormat.allCases.map(\.mediaType) == [
                "image/jpeg", "image/png", "image/webp", "image/tiff", "image/gif", "image/jp2", "application/pdf",
                "image/avif", "image/jxl",
            ])
        #expect(
            OutputFormat.allCases.map(\.fileExtension) == [
                "jpg", "png", "webp", "tif", "gif", "jp2", "pdf", "avif", "jxl",
            ])
        #expect(OutputFormat.allCases.filter(\.supportsAlpha) == [.png, .webp, .tiff, .gif, .avif, .jxl])
        // Debian's libavif has AV1 encoders, so every format has an encoder, which writes the format it was made for.
        #expect(ImageEncoders.writable == Set(OutputFormat.allCases))
        for format in OutputFormat.allCases {
            #expect(ImageEncoders.make(format: format)?.format == format)
        }
    }

    @Test(arguments: ImageEncoders.writable.sorted { $0.rawValue < $1.rawValue })
    func factoryMakesAnEncoderForEachFormat(format: OutputFormat) throws {
        let encoder = try #require(ImageEncoders.make(format: format))
        #expect(encoder.format == format)
        let pixels = TestPattern.render(width: 12, height: 9, channels: 3, seed: 99)
        let bytes = try encoder.encode(pixels, metadata: EncodingMetadata())
        let magic: [UInt8] =
            switch format {
            case .jpeg: [0xFF, 0xD8, 0xFF]
            case .png: [0x89, 0x50, 0x4E, 0x47]
            case .webp: Array("RIFF".utf8)
            case .tiff: [0x49, 0x49, 0x2A]
            case .gif: Array("GIF89a".utf8)
            case .jp2: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]
            case .pdf: Array("%PDF-1.4".utf8)
            case .avif: [0, 0, 0]
            case .jxl: [0xFF, 0x0A]
            }
        #expect(bytes.starts(with: magic))
        if format == .avif { #expect(Array(bytes[4..<12]) == Array("ftypavif".utf8)) }
    }

    @Test func factoryPassesSettings() throws {
        #expect((ImageEncoders.make(format: .jpeg, quality: 33) as? JPEGEncoder)?.quality == 33)
        #expect((ImageEncoders.make(format: .jpeg) as? JPEGEncoder)?.quality == 75)
        #expect((ImageEncoders.make(format: .png) as? PNGEncoder)?.compressionLevel == 1)
        #expect((ImageEncoders.make(format: .png, quality: 9) as? PNGEncoder)?.compressionLevel == 9)
        #expect((ImageEncoders.make(format: .webp) as? WebPEncoder)?.quality == 50)
        #expect((ImageEncoders.make(format: .webp, quality: -1) as? WebPEncoder)?.isLossless == true)
        let tiff = ImageEncoders.make(format: .tiff, quality: 4, compression: .zstd) as? TIFFEncoder
        #expect(tiff?.compression == .zstd && tiff?.quality == 4)
        #expect((ImageEncoders.make(format: .tiff) as? TIFFEncoder)?.compression == .deflate)
        #expect((ImageEncoders.make(format: .jp2) as? JPEG2000Encoder)?.quality == nil)
        #expect((ImageEncoders.make(format: .jp2, quality: 80) as? JPEG2000Encoder)?.quality == 80)
        #expect((ImageEncoders.make(format: .pdf, quality: 60) as? PDFEncoder)?.jpegQuality == 60)
        #expect((ImageEncoders.make(format: .avif) as? AVIFEncoder)?.quality == 50)
        let avif = ImageEncoders.make(format: .avif, quality: -1, avifCodec: .rav1e) as? AVIFEncoder
        #expect(avif?.isLossless == true && avif?.codec == .rav1e)
        #expect((ImageEncoders.make(format: .jxl) as? JXLEncoder)?.quality == 75)
        #expect((ImageEncoders.make(format: .jxl, quality: -1) as? JXLEncoder)?.isLossless == true)
    }

    @Test(arguments: ImageEncoders.writable.sorted { $0.rawValue < $1.rawValue })
    func encodersAreSafeToShareAcrossThreads(format: OutputFormat) async throws {
        let encoder = try #require(ImageEncoders.make(format: format))
        let channels = format.supportsAlpha ? 4 : 3
        let pictures = (0..<4).map {
            TestPattern.render(width: 48, height: 40, channels: channels, seed: UInt64(200 + $0))
        }
        let metadata = EncodingMetadata(
            iccProfile: testICCProfile(), xmp: sampleXMP, density: PhysicalResolution(x: 72, y: 72, unit: .inch),
            fields: sampleFields(), software: "iipsrv-async")
        let expected = try pictures.map { try encoder.encode($0, metadata: metadata) }
        let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for round in 0..<12 {
                group.addTask { (round % 4, try encoder.encode(pictures[round % 4], metadata: metadata)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 12)
        for (index, bytes) in results { #expect(bytes == expected[index]) }
    }
}
