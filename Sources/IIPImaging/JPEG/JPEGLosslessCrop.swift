import CTurboJPEG

/// Crops a JPEG without decoding it (libjpeg-turbo's lossless transform), for edge tiles stored padded.
public enum JPEGLosslessCrop {
    /// The top-left `width` x `height` pixels of `jpeg`; the origin is at (0, 0), always MCU-aligned.
    ///
    /// - Throws: ``ImagingError/invalidParameter(_:)`` for a size that is not positive or does not fit libjpeg's
    ///   32-bit fields, ``ImagingError/decodeFailed(_:)`` when libjpeg-turbo cannot read the stored JPEG (a damaged
    ///   file: an image error, not the server's).
    public static func crop(_ jpeg: [UInt8], width: Int, height: Int) throws(ImagingError) -> [UInt8] {
        guard let cropWidth = Int32(exactly: width), let cropHeight = Int32(exactly: height), cropWidth > 0,
            cropHeight > 0
        else { throw .invalidParameter("JPEG crop to \(width)x\(height)") }
        guard let handle = tjInitTransform() else { throw .encodeFailed("tjInitTransform failed") }
        defer { tjDestroy(handle) }
        var transform = tjtransform()
        transform.r = tjregion(x: 0, y: 0, w: cropWidth, h: cropHeight)
        transform.op = Int32(TJXOP_NONE.rawValue)
        transform.options = TJXOPT_CROP
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = jpeg.withUnsafeBufferPointer { source in
            tjTransform(handle, source.baseAddress, UInt(source.count), 1, &output, &size, &transform, 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw .decodeFailed("stored JPEG tile: " + String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
