package import IIPImaging
package import IIPModel

/// Transform, part of rendering: stored samples to the 8-bit pixels an encoder takes (iipsrv-reference §6.2).
///
/// Order: floating-point chain (or the fast 16-to-8-bit path), resize (exports only), band flattening, grey,
/// bi-level, equalisation, then mirror and rotation (quarter turns exactly; other angles with transparent corners
/// when the output format has alpha). Blocking: called on codec threads.
package struct TransformStage: Sendable {
    /// What the transform needs to know besides the pixels.
    package struct Settings: Sendable {
        /// The image's description (sample range, colour space).
        package var image: ImageDescription
        /// Pixel processing.
        package var processing: ImageProcessing
        /// The image histogram, when the processing needs one.
        package var histogram: Histogram?
        /// Output size for exports, `nil` for tiles.
        package var outputSize: (width: Int, height: Int)?
        /// Resampling method for exports.
        package var resampling: Resampling
        /// The output format: whether alpha survives.
        package var format: OutputFormat
        /// The largest buffer one step may allocate (resizing, rotation, the floating-point chain).
        package var maxBytes = ImageLimits.default.maxBufferBytes

        /// Creates settings.
        package init(
            image: ImageDescription, processing: ImageProcessing, histogram: Histogram? = nil,
            outputSize: (width: Int, height: Int)? = nil, resampling: Resampling = .bilinear,
            format: OutputFormat = .jpeg
        ) {
            self.image = image
            self.processing = processing
            self.histogram = histogram
            self.outputSize = outputSize
            self.resampling = resampling
            self.format = format
        }
    }

    /// Creates the stage.
    package init() {}

    /// Whether `processing` needs the image histogram.
    package static func needsHistogram(_ processing: ImageProcessing) -> Bool {
        processing.contrast == .stretch || processing.contrast == .equalization
            || processing.colorConversion == .binary
    }

    /// Transforms `pixels`.
    ///
    /// - Throws: ``ImagingError/invalidParameter(_:)`` or ``ImagingError/tooLarge(_:)`` when a step refuses its
    ///   parameters or would need more than `settings.maxBytes` (the pipeline answers 400).
    package func run(_ decoded: PixelBuffer, settings: Settings) throws(ImagingError) -> PixelBuffer {
        // CIELAB becomes 8-bit sRGB first (iipsrv-reference §6.2 step 2); everything after sees sRGB.
        var pixels = decoded
        var image = settings.image
        if image.colorSpace == .cieLAB {
            pixels = CIELabConversion.toSRGB(decoded)
            image.colorSpace = .sRGB
            image.channels = pixels.channels
            image.bitsPerSample = 8
            image.minValues = Array(repeating: 0, count: pixels.channels)
            image.maxValues = Array(repeating: 255, count: pixels.channels)
        }
        let processing = settings.processing
        var result: PixelBuffer
        // Floats always take the floating-point chain (iipsrv-reference §6.1), so that equalisation and bi-level
        // output see the values master's normalisation gives.
        if processing.needsFloatPipeline || pixels.sampleFormat == .floatingPoint {
            var processing = processing
            var minimum = image.minValues
            var maximum = image.maxValues
            if processing.contrast == .stretch, let histogram = settings.histogram {
                // The histogram's levels are 8-bit: master scales them to integer samples' depth, not to floats'.
                let shift =
                    pixels.sampleFormat == .floatingPoint ? 1 : Double(1 << max(pixels.bitsPerSample - 8, 0))
                let range = histogram.occupiedRange
                minimum = Array(repeating: Double(range.lowerBound) * shift, count: pixels.channels)
                maximum = Array(repeating: Double(range.upperBound) * shift, count: pixels.channels)
                processing.contrast = .factor(1)
                if pixels.bitsPerSample == 8 {
                    processing.sampleRanges = [SampleRange(channel: nil, minimum: minimum[0], maximum: maximum[0])]
                }
            }
            result = try FloatPipeline.apply(
                pixels, processing: processing, minimum: minimum, maximum: maximum, maxBytes: settings.maxBytes)
        } else {
            result = BitDepthReduction.to8Bit(
                pixels, minimum: image.minValues, maximum: image.maxValues)
        }
        if let size = settings.outputSize, size.width != result.width || size.height != result.height {
            result = try Resampler.resize(
                result, width: size.width, height: size.height,
                method: settings.resampling == .nearest ? .nearest : .bilinear, maxBytes: settings.maxBytes)
        }
        result = ChannelFlattening.flatten(result, keepAlpha: settings.format.supportsAlpha)
        switch processing.colorConversion {
        case .grey where image.colorSpace == .sRGB:
            result = GreyConversion.apply(result)
        case .binary where image.colorSpace != .binary:
            result = BinaryConversion.apply(result, threshold: settings.histogram?.otsuThreshold ?? 128)
        default:
            break
        }
        if processing.contrast == .equalization, let histogram = settings.histogram {
            let table = histogram.equalizationTable(pixelCount: result.width * result.height)
            for i in result.bytes.indices { result.bytes[i] = table[Int(result.bytes[i])] }
        }
        let rotation = processing.rotation
        if rotation.quarterTurns != nil {
            if !rotation.isIdentity { result = Orientation.apply(rotation, to: result) }
        } else {
            if rotation.mirrored { result = Orientation.apply(Rotation(degrees: 0, mirrored: true), to: result) }
            result = try ArbitraryRotation.rotate(
                result, degrees: rotation.degrees, transparent: settings.format.supportsAlpha,
                maxBytes: settings.maxBytes)
        }
        return result
    }
}
