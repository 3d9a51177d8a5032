import CTurboJPEG

/// Decodes JPEG data to 8-bit grey or RGB pixels with libjpeg-turbo.
public struct JPEGDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// The width, height and channel count of a JPEG, read from its header.
    public func header(_ jpeg: [UInt8]) throws(ImagingError) -> (width: Int, height: Int, channels: Int) {
        guard let handle = tjInitDecompress() else { throw .decodeFailed("tjInitDecompress failed") }
        defer { tjDestroy(handle) }
        return try Self.readHeader(handle, jpeg)
    }

    /// Decodes `jpeg`, reducing it by the DCT scale `1/denominator` (1, 2, 4 or 8) while decoding, within the
    /// default ``ImageLimits/maxBufferBytes``.
    ///
    /// - Parameter fast: Use the fast integer inverse DCT; see ``decode(_:scaleDenominator:fast:maxBytes:)``.
    public func decode(_ jpeg: [UInt8], scaleDenominator: Int = 1, fast: Bool = false) throws(ImagingError)
        -> PixelBuffer
    {
        try decode(
            jpeg, scaleDenominator: scaleDenominator, fast: fast, maxBytes: ImageLimits.default.maxBufferBytes)
    }

    /// Decodes `jpeg`, reducing it by the DCT scale `1/denominator` (1, 2, 4 or 8) while decoding.
    ///
    /// - Parameters:
    ///   - fast: Use the fast integer inverse DCT (libjpeg's JDCT_IFAST), as iipsrv's encoder uses the fast
    ///     forward one: a little less precise, noticeably quicker.
    ///   - maxBytes: The largest decoded image allowed. The header may claim up to 65535 x 65535 pixels (12 GiB of
    ///     RGB) whatever the data holds, so the size is checked before anything is allocated.
    /// - Throws: ``ImagingError/decodeFailed(_:)`` for a broken stream, ``ImagingError/tooLarge(_:)`` when the
    ///   decoded image would exceed `maxBytes`.
    public func decode(
        _ jpeg: [UInt8], scaleDenominator: Int = 1, fast: Bool = false, maxBytes: Int
    ) throws(ImagingError) -> PixelBuffer {
        guard let handle = tjInitDecompress() else { throw .decodeFailed("tjInitDecompress failed") }
        defer { tjDestroy(handle) }
        let header = try Self.readHeader(handle, jpeg)
        let denominator = [1, 2, 4, 8].contains(scaleDenominator) ? scaleDenominator : 1
        let width = (header.width + denominator - 1) / denominator
        let height = (header.height + denominator - 1) / denominator
        var pixels = try PixelBuffer.zeroed(width: width, height: height, channels: header.channels, maxBytes: maxBytes)
        let format = Int32(header.channels == 1 ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue)
        let status = jpeg.withUnsafeBufferPointer { source in
            pixels.bytes.withUnsafeMutableBufferPointer { destination in
                tjDecompress2(
                    handle, source.baseAddress, UInt(source.count), destination.baseAddress, Int32(width), 0,
                    Int32(height), format, fast ? TJFLAG_FASTDCT : 0)
            }
        }
        guard status == 0 || tjGetErrorCode(handle) == TJERR_WARNING.rawValue else {
            throw .decodeFailed(String(cString: tjGetErrorStr2(handle)))
        }
        return pixels
    }

    private static func readHeader(
        _ handle: tjhandle, _ jpeg: [UInt8]
    ) throws(ImagingError) -> (width: Int, height: Int, channels: Int) {
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let status = jpeg.withUnsafeBufferPointer { source in
            tjDecompressHeader3(
                handle, source.baseAddress, UInt(source.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0, width > 0, height > 0 else {
            throw .decodeFailed(String(cString: tjGetErrorStr2(handle)))
        }
        return (Int(width), Int(height), colorspace == Int32(TJCS_GRAY.rawValue) ? 1 : 3)
    }
}
