package import IIPImaging
package import IIPModel
package import NIOCore

/// Encode, part of rendering: pixels to bytes in the requested format, with the metadata iipsrv embeds
/// (iipsrv-reference §6.6-6.7). Blocking: called on codec threads.
package struct EncodeStage: Sendable {
    /// The Software value written into files that have a place for it.
    package static let software = "iipsrv-async/\(IIPServerVersion.current)"

    let maxICC: Int
    let tiffCompression: TIFFOutputCompression

    /// Creates the stage.
    ///
    /// - Parameters:
    ///   - maxICC: MAX_ICC: the largest profile embedded, in bytes; -1 always, 0 never.
    ///   - tiffCompression: TIFF_COMPRESSION as iipsrv numbers it (0 none, 1 LZW, 2 Deflate, 3 JPEG, 4 WebP).
    package init(maxICC: Int = 65536, tiffCompression: Int = 2) {
        self.maxICC = maxICC
        self.tiffCompression = TIFFOutputCompression(iipsrvCode: tiffCompression)
    }

    /// Encodes 8-bit `pixels`.
    ///
    /// - Throws: ``ImagingError/tooLarge(_:)`` when the picture is larger than the format can hold (a request
    ///   error), ``ImagingError/encodeFailed(_:)`` when the library fails.
    /// - Parameters:
    ///   - compression: A TIFF compression named by QLT (`comp:q`), overriding TIFF_COMPRESSION.
    package func run(
        _ pixels: PixelBuffer, format: OutputFormat, quality: Int, metadata: EncodingMetadata = EncodingMetadata(),
        compression: String? = nil
    ) throws(ImagingError) -> ByteBuffer {
        guard pixels.width <= format.maxSide, pixels.height <= format.maxSide else {
            throw .tooLarge(
                "\(pixels.width)x\(pixels.height) is larger than \(format.rawValue) allows (\(format.maxSide) a side)")
        }
        let tiff = compression.map { TIFFOutputCompression(name: $0) } ?? tiffCompression
        guard let encoder = ImageEncoders.make(format: format, quality: quality, compression: tiff) else {
            throw .unsupportedFormat("no \(format.rawValue) encoder in this build")
        }
        return ByteBuffer(bytes: try encoder.encode(pixels, metadata: metadata))
    }

    /// What to embed in an output made from `image`, `scale` times the full resolution in each axis.
    ///
    /// - Parameters:
    ///   - processing: ICC is left out after colour changes (CMP, SHD, CTW, COL), as iipsrv does.
    ///   - descriptive: Include the text fields (exports). Tiles and exports alike carry the ICC profile, XMP and
    ///     EXIF, as iipsrv master embeds them in tiles too, and the density.
    package func metadata(
        for image: ImageDescription, scale: Double, processing: ImageProcessing, descriptive: Bool
    ) -> EncodingMetadata {
        var metadata = EncodingMetadata(software: Self.software)
        if var resolution = image.resolution {
            resolution.x *= scale
            resolution.y *= scale
            metadata.density = resolution
        }
        let recoloured =
            processing.colorMap != nil || processing.shade != nil || processing.colorTwist != nil
            || processing.colorConversion != nil
        if let profile = image.iccProfile, !recoloured, maxICC != 0, maxICC < 0 || profile.count < maxICC {
            metadata.iccProfile = profile
        }
        metadata.xmp = image.metadata.xmp
        metadata.exif = image.exif
        if descriptive { metadata.fields = image.metadata }
        return metadata
    }
}
