public import IIPModel

/// Turns a parsed image request into pixels: the region, the output size and the rotation
/// (IIIF 3.0 §4.1-§4.3, 2.1 §4.1-§4.3, iipsrv-reference §4.4).
///
/// - Region: `square` is the centred square of the shorter side (odd margins round down); a region reaching past the
///   right or bottom edge is cropped in whole pixels (never one pixel short, unlike iipsrv master); a region that
///   starts outside the image or has zero size is 400. Percentages round to the nearest pixel, at least one pixel.
/// - Size: computed sizes round to the nearest pixel. `!w,h` is the largest size inside the box keeping the aspect
///   ratio; `w,h` may distort. An output under one pixel is 400.
/// - 3.0 upscaling: without `^` an output larger than the region is 400 (also for `!w,h`, as the validator's
///   `size_noup` requires); with `^` it is 501 when upscaling is not allowed (the spec's SHOULD). `^max` is the same
///   as `max` (the region at full size, shrunk to the limits), which is what the validator's `size_up` expects.
/// - 2.1 upscaling is implicit (sizeAboveFull); with upscaling disallowed the output is capped at the region size.
/// - Limits: `max`, `full` and `!w,h` shrink to fit maxWidth, maxHeight and maxArea keeping the aspect ratio (the
///   spec defines them that way); every other size over a limit is 400, in both versions.
/// - Rotation: multiples of 90 degrees; other angles are 400 unless ``IIIFLimits/allowArbitraryRotation``.
/// - Extremes: no argument traps. A computed width or height over ``IIIFRequestParser/integerLimit`` is 400, a
///   rotation outside 0...360 or not finite is 400, and all size arithmetic saturates instead of overflowing.
public enum IIIFImagePlanner {
    /// Plans an image request on an image of `imageWidth` x `imageHeight` full-resolution pixels.
    public static func plan(
        _ request: IIIFImageRequest, imageWidth: Int, imageHeight: Int, version: IIIFVersion, limits: IIIFLimits
    ) throws(ProtocolError) -> IIIFImagePlan {
        guard imageWidth > 0, imageHeight > 0 else { throw .badRequest("IIIF: the image is empty") }
        let region = try regionRect(request.region, imageWidth: imageWidth, imageHeight: imageHeight)
        let size = try outputSize(
            request.size, regionWidth: region.width, regionHeight: region.height, version: version, limits: limits)
        guard request.rotation.degrees.isFinite, request.rotation.degrees >= 0, request.rotation.degrees <= 360 else {
            throw .badRequest("IIIF: invalid rotation: \(request.rotation.degrees)")
        }
        let rotation = request.rotation.modelRotation
        guard rotation.quarterTurns != nil || limits.allowArbitraryRotation else {
            throw .badRequest("IIIF: currently implemented rotation angles are 0, 90, 180 and 270 degrees")
        }
        return IIIFImagePlan(
            region: region, width: size.width, height: size.height, rotation: rotation, quality: request.quality,
            format: request.format,
            isFullRegion: region == PixelRect(x: 0, y: 0, width: imageWidth, height: imageHeight),
            isMaximumSize: size.isMaximum, isUpscaled: size.isUpscaled)
    }

    /// The region in full-resolution pixels, cropped to the image.
    public static func regionRect(
        _ region: IIIFRegion, imageWidth: Int, imageHeight: Int
    ) throws(ProtocolError) -> PixelRect {
        switch region {
        case .full:
            return PixelRect(x: 0, y: 0, width: imageWidth, height: imageHeight)
        case .square:
            let side = min(imageWidth, imageHeight)
            return PixelRect(x: (imageWidth - side) / 2, y: (imageHeight - side) / 2, width: side, height: side)
        case .pixels(let x, let y, let width, let height):
            guard x >= 0, y >= 0, x < imageWidth, y < imageHeight else {
                throw .badRequest("IIIF: region lies outside the image")
            }
            guard width > 0, height > 0 else { throw .badRequest("IIIF: region has zero size") }
            return PixelRect(x: x, y: y, width: min(width, imageWidth - x), height: min(height, imageHeight - y))
        case .percent(let x, let y, let width, let height):
            // NaN fails every comparison, so it is rejected here too.
            guard x >= 0, y >= 0, x < 100, y < 100 else { throw .badRequest("IIIF: region lies outside the image") }
            guard width > 0, height > 0 else { throw .badRequest("IIIF: region has zero size") }
            let (left, right) = percentSpan(start: x, length: width, total: imageWidth)
            let (top, bottom) = percentSpan(start: y, length: height, total: imageHeight)
            return PixelRect(x: left, y: top, width: right - left, height: bottom - top)
        }
    }

    /// The output size for a region, and whether it is upscaled and whether it is the `max` size.
    public static func outputSize(
        _ size: IIIFSize, regionWidth: Int, regionHeight: Int, version: IIIFVersion, limits: IIIFLimits
    ) throws(ProtocolError) -> (width: Int, height: Int, isUpscaled: Bool, isMaximum: Bool) {
        let maximum = shrunk(width: regionWidth, height: regionHeight, limits: limits)
        var width: Int
        var height: Int
        var shrinksToLimits = false
        switch size.kind {
        case .max:
            (width, height) = maximum
            shrinksToLimits = true
        case .width(let requested):
            width = requested
            height = scaled(requested, regionHeight, regionWidth)
        case .height(let requested):
            height = requested
            width = scaled(requested, regionWidth, regionHeight)
        case .percent(let percent):
            let scaledWidth = (Double(regionWidth) * percent / 100).rounded()
            let scaledHeight = (Double(regionHeight) * percent / 100).rounded()
            guard scaledWidth <= Double(IIIFRequestParser.integerLimit),
                scaledHeight <= Double(IIIFRequestParser.integerLimit)
            else { throw .badRequest("IIIF: requested size is too large") }
            width = Int.clamping(scaledWidth)
            height = Int.clamping(scaledHeight)
        case .exact(let requestedWidth, let requestedHeight):
            width = requestedWidth
            height = requestedHeight
        case .confined(let boxWidth, let boxHeight):
            // Width-bound when boxWidth / regionWidth <= boxHeight / regionHeight (exact 128-bit products).
            let widthBound = boxWidth.multipliedFullWidth(by: regionHeight)
            let heightBound = boxHeight.multipliedFullWidth(by: regionWidth)
            if (widthBound.high, widthBound.low) <= (heightBound.high, heightBound.low) {
                width = boxWidth
                height = min(boxHeight, scaled(boxWidth, regionHeight, regionWidth))
            } else {
                height = boxHeight
                width = min(boxWidth, scaled(boxHeight, regionWidth, regionHeight))
            }
            shrinksToLimits = true
        }
        guard width >= 1, height >= 1 else {
            throw .badRequest("IIIF: invalid size: requested width or height < 1")
        }

        var upscaled = width > regionWidth || height > regionHeight
        if upscaled {
            switch version {
            case .v3:
                guard size.upscaling else { throw .badRequest("IIIF: upscaling should be prefixed with ^") }
                guard limits.allowUpscaling else { throw .notImplemented("IIIF: upscaling is not supported") }
            case .v2:
                if !limits.allowUpscaling {
                    let factor = min(Double(regionWidth) / Double(width), Double(regionHeight) / Double(height))
                    width = min(regionWidth, max(1, Int.clamping(Double(width) * factor)))
                    height = min(regionHeight, max(1, Int.clamping(Double(height) * factor)))
                    upscaled = false
                }
            }
        }
        // `w,` on a tall region can ask for a height far beyond any image: refuse it before anything allocates.
        guard width <= IIIFRequestParser.integerLimit, height <= IIIFRequestParser.integerLimit else {
            throw .badRequest("IIIF: requested size is too large")
        }
        if !limits.allows(width: width, height: height) {
            guard shrinksToLimits else {
                throw .badRequest("IIIF: requested size \(width)x\(height) exceeds the server's limits")
            }
            (width, height) = shrunk(width: width, height: height, limits: limits)
            upscaled = width > regionWidth || height > regionHeight
        }
        let isMaximum = !upscaled && width == maximum.width && height == maximum.height
        return (width, height, upscaled, isMaximum)
    }

    /// `round(value * numerator / denominator)`, saturating (a zero denominator gives `Int.max` or 0).
    static func scaled(_ value: Int, _ numerator: Int, _ denominator: Int) -> Int {
        Int.clamping(Double(value) * Double(numerator) / Double(denominator))
    }

    /// A size scaled down, keeping its aspect ratio, until it is within every limit; never scaled up.
    static func shrunk(width: Int, height: Int, limits: IIIFLimits) -> (width: Int, height: Int) {
        var scale = 1.0
        if let limit = limits.effectiveMaxWidth, width > limit { scale = min(scale, Double(limit) / Double(width)) }
        if let limit = limits.effectiveMaxHeight, height > limit {
            scale = min(scale, Double(limit) / Double(height))
        }
        if let limit = limits.effectiveMaxArea, width.saturatingMultiply(height) > limit {
            scale = min(scale, (Double(limit) / (Double(width) * Double(height))).squareRoot())
        }
        guard scale < 1 else { return (width, height) }
        var newWidth = max(1, Int.clamping(Double(width) * scale))
        var newHeight = max(1, Int.clamping(Double(height) * scale))
        if let limit = limits.effectiveMaxWidth { newWidth = min(newWidth, limit) }
        if let limit = limits.effectiveMaxHeight { newHeight = min(newHeight, limit) }
        if let limit = limits.effectiveMaxArea, newWidth.saturatingMultiply(newHeight) > limit {
            newWidth = max(1, Int.clamping(Double(width) * scale, rounding: .towardZero))
            newHeight = max(1, Int.clamping(Double(height) * scale, rounding: .towardZero))
        }
        return (newWidth, newHeight)
    }

    /// A percentage span in whole pixels: the start and the length each rounded (as iipsrv rounds them, so a
    /// 30 % height is the same number of rows wherever it starts), at least one pixel, inside `0..<total`.
    private static func percentSpan(start: Double, length: Double, total: Int) -> (Int, Int) {
        let size = Double(total)
        let first = min(Int.clamping(start * size / 100), total.saturatingSubtract(1))
        let count = max(Int.clamping(min(length, 100) * size / 100), 1)
        let end = min(first.saturatingAdd(count), total)
        return (first, end)
    }
}
