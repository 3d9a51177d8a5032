public import IIPModel

/// Where a region export reads from and how large it comes out.
public struct RegionExportPlan: Sendable, Hashable {
    /// The IIP resolution number to read from.
    public var resolution: Int
    /// The region in that resolution's pixels.
    public var sourceRect: PixelRect
    /// The region in full-resolution pixels.
    public var fullRect: PixelRect
    /// Output width before rotation.
    public var outputWidth: Int
    /// Output height before rotation.
    public var outputHeight: Int

    /// Creates a plan.
    public init(resolution: Int, sourceRect: PixelRect, fullRect: PixelRect, outputWidth: Int, outputHeight: Int) {
        self.resolution = resolution
        self.sourceRect = sourceRect
        self.fullRect = fullRect
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
    }
}

/// The size and level rules of CVT (iipsrv-reference §5.1-5.2).
///
/// Differences from iipsrv, on purpose: a region is clipped in whole pixels so it never comes out one pixel
/// short, level sizes come from the file rather than being assumed powers of two, and a region without WID or
/// HEI is exported at its own full-resolution size instead of being stretched to the whole image's size.
public enum RegionExportPlanner {
    /// The largest WID, HEI, MAX_CVT or output size the planner works with; larger values are taken as this one.
    public static let sizeLimit = Int(Int32.max)

    /// Plans an export.
    ///
    /// Never traps, whatever the arguments: a non-finite region fraction counts as 0, sizes are clamped to
    /// `0...sizeLimit`, and the output is at least 1x1 and at most `sizeLimit` in each dimension.
    ///
    /// - Parameters:
    ///   - image: The image.
    ///   - region: The region as fractions (already clamped to 0...1).
    ///   - width: WID, 0 when not given.
    ///   - height: HEI, 0 when not given.
    ///   - maxSize: MAX_CVT: the largest output width or height, `nil` for no limit.
    ///   - allowUpscaling: ALLOW_UPSCALING: whether the output may be larger than the region's pixels.
    public static func plan(
        image: ImageDescription, region: NormalizedRegion, width: Int, height: Int, maxSize: Int?,
        allowUpscaling: Bool
    ) -> RegionExportPlan {
        let width = min(max(width, 0), sizeLimit)
        let height = min(max(height, 0), sizeLimit)
        let maxSize = maxSize.map { min($0, sizeLimit) }
        let fullWidth = Double(image.width)
        let fullHeight = Double(image.height)
        let left = unit(region.x)
        let top = unit(region.y)
        let right = min(left + unit(region.width), 1)
        let bottom = min(top + unit(region.height), 1)
        let x0 = min(Int.clamping(left * fullWidth), image.width.saturatingSubtract(1))
        let y0 = min(Int.clamping(top * fullHeight), image.height.saturatingSubtract(1))
        let x1 = max(min(Int.clamping(right * fullWidth), image.width), x0.saturatingAdd(1))
        let y1 = max(min(Int.clamping(bottom * fullHeight), image.height), y0.saturatingAdd(1))
        let fullRect = PixelRect(x: x0, y: y0, width: x1.saturatingSubtract(x0), height: y1.saturatingSubtract(y0))
        let ratio = Double(fullRect.width) / Double(fullRect.height)

        var outWidth: Int
        var outHeight: Int
        switch (width > 0, height > 0) {
        case (true, true):
            if Double(width) / Double(height) > ratio {
                outHeight = height
                outWidth = Int.clamping(Double(height) * ratio)
            } else {
                outWidth = width
                outHeight = Int.clamping(Double(width) / ratio)
            }
        case (true, false):
            outWidth = width
            outHeight = Int.clamping(Double(width) / ratio)
        case (false, true):
            outHeight = height
            outWidth = Int.clamping(Double(height) * ratio)
        case (false, false):
            outWidth = fullRect.width
            outHeight = fullRect.height
        }
        if !allowUpscaling, outWidth > fullRect.width || outHeight > fullRect.height {
            outWidth = fullRect.width
            outHeight = fullRect.height
        }
        if let maxSize, maxSize > 0, outWidth > maxSize || outHeight > maxSize {
            if outWidth >= outHeight {
                outWidth = maxSize
                outHeight = Int.clamping(Double(maxSize) / ratio)
            } else {
                outHeight = maxSize
                outWidth = Int.clamping(Double(maxSize) * ratio)
            }
        }
        outWidth = min(max(outWidth, 1), sizeLimit)
        outHeight = min(max(outHeight, 1), sizeLimit)

        return plan(image: image, fullRect: fullRect, outputWidth: outWidth, outputHeight: outHeight)
    }

    /// Chooses the level to read a full-resolution rectangle from for an output of the given size: the smallest
    /// level whose copy of the rectangle is at least that size in both axes, else the full resolution.
    public static func plan(
        image: ImageDescription, fullRect: PixelRect, outputWidth: Int, outputHeight: Int
    ) -> RegionExportPlan {
        var chosen = image.levels.count - 1
        var sourceRect = fullRect
        for (index, level) in image.levels.enumerated() {
            let rect = scaled(fullRect, to: level, fullWidth: image.width, fullHeight: image.height)
            if rect.width >= outputWidth && rect.height >= outputHeight || index == image.levels.count - 1 {
                chosen = index
                sourceRect = rect
                break
            }
        }
        return RegionExportPlan(
            resolution: chosen, sourceRect: sourceRect, fullRect: fullRect, outputWidth: outputWidth,
            outputHeight: outputHeight)
    }

    /// A full-resolution rectangle in the pixels of `level`, at least one pixel, inside the level.
    public static func scaled(_ rect: PixelRect, to level: PyramidLevel, fullWidth: Int, fullHeight: Int) -> PixelRect {
        let sx = fullWidth > 0 ? Double(level.width) / Double(fullWidth) : 1
        let sy = fullHeight > 0 ? Double(level.height) / Double(fullHeight) : 1
        let x0 = min(Int.clamping(Double(rect.x) * sx), level.width.saturatingSubtract(1))
        let y0 = min(Int.clamping(Double(rect.y) * sy), level.height.saturatingSubtract(1))
        let x1 = max(min(Int.clamping(Double(rect.maxX) * sx), level.width), x0.saturatingAdd(1))
        let y1 = max(min(Int.clamping(Double(rect.maxY) * sy), level.height), y0.saturatingAdd(1))
        return PixelRect(x: x0, y: y0, width: x1.saturatingSubtract(x0), height: y1.saturatingSubtract(y0))
    }

    /// A region fraction clamped to 0...1; NaN counts as 0.
    private static func unit(_ value: Double) -> Double {
        value.isNaN ? 0 : min(max(value, 0), 1)
    }
}
