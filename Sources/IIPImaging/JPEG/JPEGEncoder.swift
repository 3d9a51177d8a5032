import CTurboJPEG
public import IIPModel

/// Encodes 8-bit grey or RGB pixels as baseline JPEG with libjpeg-turbo, as iipsrv does: 4:2:0 chroma
/// subsampling for colour, the fast DCT, no progressive mode (iipsrv-reference §6.7).
///
/// Two- and four-channel (alpha) images are refused: flatten or drop the alpha band first.
/// ``encode(_:metadata:)`` embeds metadata by splicing segments after libjpeg-turbo's JFIF APP0 segment
/// (iipsrv-reference §6.6): EXIF and XMP as APP1, the ICC profile as APP2 `ICC_PROFILE` chunks, then a COM marker.
public struct JPEGEncoder: ImageEncoder {
    /// Quality 1-100; values outside are clamped (iipsrv clamps QLT, TurboJPEG would reject them).
    public var quality: Int
    /// Pixel density written into the JFIF header, when known.
    public var density: JPEGDensity?

    /// Creates an encoder.
    public init(quality: Int = 75, density: JPEGDensity? = nil) {
        self.quality = quality
        self.density = density
    }

    /// The format written.
    public var format: OutputFormat { .jpeg }

    /// Encodes `pixels`, which must have 8-bit samples and 1 or 3 channels, without metadata
    /// (apart from ``density``).
    public func encode(_ pixels: PixelBuffer) throws(ImagingError) -> [UInt8] {
        try encode(pixels, metadata: EncodingMetadata())
    }

    /// Encodes `pixels` (8-bit, 1 or 3 channels) and embeds `metadata`.
    ///
    /// - The density comes from `metadata.density` when it has a unit (rounded; inch = 1, cm = 2), else ``density``.
    /// - The ICC profile is split over APP2 markers of at most 65 519 bytes each (dropped beyond 255 markers).
    /// - The XMP packet is left out when it exceeds one APP1 segment (65 504 bytes).
    /// - `metadata.software`, when not empty, goes into a COM marker.
    public func encode(_ pixels: PixelBuffer, metadata: EncodingMetadata) throws(ImagingError) -> [UInt8] {
        var bytes = try compress(pixels)
        if let density = metadata.density.flatMap(JPEGDensity.init) ?? density { density.write(into: &bytes) }
        let segments = JPEGSegments.metadataSegments(metadata)
        if !segments.isEmpty { JPEGSegments.insertAfterJFIF(segments, into: &bytes) }
        return bytes
    }

    private func compress(_ pixels: PixelBuffer) throws(ImagingError) -> [UInt8] {
        guard pixels.bitsPerSample == 8, pixels.channels == 1 || pixels.channels == 3 else {
            throw .encodeFailed("JPEG needs 8-bit grey or RGB, got \(pixels.channels)x\(pixels.bitsPerSample)")
        }
        guard pixels.width > 0, pixels.height > 0, pixels.width <= 65500, pixels.height <= 65500 else {
            throw .encodeFailed("JPEG cannot hold \(pixels.width)x\(pixels.height)")
        }
        guard pixels.sampleFormat == .unsignedInteger, pixels.isConsistent else {
            throw .encodeFailed(
                "JPEG needs unsigned samples matching \(pixels.width)x\(pixels.height)x\(pixels.channels)")
        }
        guard let handle = tjInitCompress() else { throw .encodeFailed("tjInitCompress failed") }
        defer { tjDestroy(handle) }
        let grey = pixels.channels == 1
        let format = Int32(grey ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue)
        let subsampling = Int32(grey ? TJSAMP_GRAY.rawValue : TJSAMP_420.rawValue)
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = pixels.bytes.withUnsafeBufferPointer { source in
            tjCompress2(
                handle, source.baseAddress, Int32(pixels.width), 0, Int32(pixels.height), format, &output, &size,
                subsampling, Int32(min(max(quality, 1), 100)), TJFLAG_FASTDCT)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw .encodeFailed(String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}

/// Pixel density for a JFIF APP0 segment.
public struct JPEGDensity: Sendable, Hashable {
    /// 1 for dots per inch, 2 for dots per centimetre.
    public var unit: UInt8
    /// Horizontal density.
    public var x: UInt16
    /// Vertical density.
    public var y: UInt16

    /// Creates a density.
    public init(unit: UInt8, x: UInt16, y: UInt16) {
        self.unit = unit
        self.x = x
        self.y = y
    }

    /// The JFIF density for a physical resolution (rounded, capped at 65535); `nil` when it has no unit or rounds
    /// to 0.
    public init?(_ resolution: PhysicalResolution) {
        let unit: UInt8
        switch resolution.unit {
        case .inch: unit = 1
        case .centimetre: unit = 2
        case .none: return nil
        }
        guard resolution.x.isFinite, resolution.y.isFinite else { return nil }
        let x = Int(min(max(resolution.x.rounded(), 0), 65535))
        let y = Int(min(max(resolution.y.rounded(), 0), 65535))
        guard x > 0, y > 0 else { return nil }
        self.init(unit: unit, x: UInt16(x), y: UInt16(y))
    }

    /// Patches the density fields of the JFIF APP0 segment that libjpeg wrote at the start of `jpeg`.
    func write(into jpeg: inout [UInt8]) {
        // SOI (2) + APP0 marker (2) + length (2) + "JFIF\0" (5) + version (2) = 13: units, Xdensity, Ydensity
        guard jpeg.count > 18, jpeg[2] == 0xFF, jpeg[3] == 0xE0,
            jpeg[6...10].elementsEqual([0x4A, 0x46, 0x49, 0x46, 0x00])
        else { return }
        jpeg[13] = unit
        jpeg[14] = UInt8(x >> 8)
        jpeg[15] = UInt8(x & 0xFF)
        jpeg[16] = UInt8(y >> 8)
        jpeg[17] = UInt8(y & 0xFF)
    }
}
