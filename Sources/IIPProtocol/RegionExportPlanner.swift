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
    /// Plans an export.
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
        let fullWidth = Double(image.width)
        let fullHeight = Double(image.height)
        let left = min(max(region.x, 0), 1)
        let top = min(max(region.y, 0), 1)
        let right = min(left + max(region.width, 0), 1)
        let bottom = min(top + max(region.height, 0), 1)
        let x0 = min(Int((left * fullWidth).rounded()), image.width - 1)
        let y0 = min(Int((top * fullHeight).rounded()), image.height - 1)
        let x1 = max(min(Int((right * fullWidth).rounded()), image.width), x0 + 1)
        let y1 = max(min(Int((bottom * fullHeight).rounded()), image.height), y0 + 1)
        let fullRect = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        let ratio = Double(fullRect.width) / Double(fullRect.height)

        var outWidth: Int
        var outHeight: Int
        switch (width > 0, height > 0) {
        case (true, true):
            if Double(width) / Double(height) > ratio {
                outHeight = height
                outWidth = Int((Double(height) * ratio).rounded())
            } else {
                outWidth = width
                outHeight = Int((Double(width) / ratio).rounded())
            }
        case (true, false):
            outWidth = width
            outHeight = Int((Double(width) / ratio).rounded())
        case (false, true):
            outHeight = height
            outWidth = Int((Double(height) * ratio).rounded())
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
                outHeight = Int((Double(maxSize) / ratio).rounded())
            } else {
                outHeight = maxSize
                outWidth = Int((Double(maxSize) * ratio).rounded())
            }
        }
        outWidth = max(outWidth, 1)
        outHeight = max(outHeight, 1)

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
        let sx = Double(level.width) / Double(fullWidth)
        let sy = Double(level.height) / Double(fullHeight)
        let x0 = min(Int((Double(rect.x) * sx).rounded()), level.width - 1)
        let y0 = min(Int((Double(rect.y) * sy).rounded()), level.height - 1)
        let x1 = max(min(Int((Double(rect.maxX) * sx).rounded()), level.width), x0 + 1)
        let y1 = max(min(Int((Double(rect.maxY) * sy).rounded()), level.height), y0 + 1)
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
