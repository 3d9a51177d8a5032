public import IIPModel

/// The server's size limits and optional features for IIIF image requests (IIIF 3.0 §4.2, §5.2).
///
/// A limit that is `nil` or not positive does not apply (MAX_CVT=-1 means no limit). When only `maxWidth` is set,
/// `maxHeight` is taken to be the same, as the spec tells clients to infer.
public struct IIIFLimits: Sendable, Hashable {
    /// The largest output width (MAX_CVT).
    public var maxWidth: Int?
    /// The largest output height (MAX_CVT); `maxWidth` when `nil`.
    public var maxHeight: Int?
    /// The largest output area in pixels.
    public var maxArea: Int?
    /// ALLOW_UPSCALING: whether the output may be larger than the region.
    public var allowUpscaling: Bool
    /// Whether angles other than multiples of 90 degrees are supported (this server's imaging does not).
    public var allowArbitraryRotation: Bool

    /// Creates limits.
    public init(
        maxWidth: Int? = nil, maxHeight: Int? = nil, maxArea: Int? = nil, allowUpscaling: Bool = true,
        allowArbitraryRotation: Bool = false
    ) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxArea = maxArea
        self.allowUpscaling = allowUpscaling
        self.allowArbitraryRotation = allowArbitraryRotation
    }

    /// The width limit in force, if any.
    public var effectiveMaxWidth: Int? { maxWidth.flatMap { $0 > 0 ? $0 : nil } }
    /// The height limit in force, if any (`maxWidth` when `maxHeight` is not set).
    public var effectiveMaxHeight: Int? { maxHeight.flatMap { $0 > 0 ? $0 : nil } ?? effectiveMaxWidth }
    /// The area limit in force, if any.
    public var effectiveMaxArea: Int? { maxArea.flatMap { $0 > 0 ? $0 : nil } }

    /// Whether an output of this size is within every limit.
    public func allows(width: Int, height: Int) -> Bool {
        if let limit = effectiveMaxWidth, width > limit { return false }
        if let limit = effectiveMaxHeight, height > limit { return false }
        if let limit = effectiveMaxArea, width.saturatingMultiply(height) > limit { return false }
        return true
    }
}

/// What an image request resolves to: the region in full-resolution pixels and the output size.
public struct IIIFImagePlan: Sendable, Hashable {
    /// The region in full-resolution pixels, inside the image.
    public var region: PixelRect
    /// Output width before rotation.
    public var width: Int
    /// Output height before rotation.
    public var height: Int
    /// Mirror and clockwise rotation, applied after scaling.
    public var rotation: Rotation
    /// The requested quality.
    public var quality: IIIFQuality
    /// The requested format.
    public var format: OutputFormat
    /// Whether the region is the whole image.
    public var isFullRegion: Bool
    /// Whether the output is the largest size allowed without upscaling (what `max` gives for this region).
    public var isMaximumSize: Bool
    /// Whether the output is larger than the region in either dimension.
    public var isUpscaled: Bool

    /// Creates a plan.
    public init(
        region: PixelRect, width: Int, height: Int, rotation: Rotation = .none, quality: IIIFQuality = .default,
        format: OutputFormat = .jpeg, isFullRegion: Bool, isMaximumSize: Bool, isUpscaled: Bool
    ) {
        self.region = region
        self.width = width
        self.height = height
        self.rotation = rotation
        self.quality = quality
        self.format = format
        self.isFullRegion = isFullRegion
        self.isMaximumSize = isMaximumSize
        self.isUpscaled = isUpscaled
    }

    /// The output size after rotation: width and height swap for 90 and 270 degrees.
    public var rotatedSize: (width: Int, height: Int) {
        rotation.swapsAxes ? (height, width) : (width, height)
    }

    /// The canonical `region/size/rotation/quality.format` of this plan (IIIF 3.0 §4.8, 2.1 §4.7).
    ///
    /// Region: `full` for the whole image, else `x,y,w,h`. Size in 3.0: `max` for the largest size without
    /// upscaling, else `w,h`, with `^` when upscaled; in 2.1: `full` for the region at its own size, `w,` when
    /// that reproduces the height, else `w,h`. Rotation: `!` when mirrored, then an integer when whole.
    public func canonical(version: IIIFVersion) -> String {
        let regionText =
            isFullRegion ? "full" : "\(region.x),\(region.y),\(region.width),\(region.height)"
        let sizeText: String
        switch version {
        case .v3:
            sizeText = isMaximumSize ? "max" : "\(isUpscaled ? "^" : "")\(width),\(height)"
        case .v2:
            if width == region.width && height == region.height {
                sizeText = "full"
            } else if height == IIIFImagePlanner.scaled(width, region.height, region.width) {
                sizeText = "\(width),"
            } else {
                sizeText = "\(width),\(height)"
            }
        }
        let rotationText = (rotation.mirrored ? "!" : "") + IIIFImagePlan.decimalText(rotation.degrees)
        return "\(regionText)/\(sizeText)/\(rotationText)/\(quality.rawValue).\(format.fileExtension)"
    }

    /// The value of a `Link` header naming the canonical URI: `<id/canonical>;rel="canonical"`.
    public func canonicalLink(id: String, version: IIIFVersion) -> String {
        "<\(id)/\(canonical(version: version))>;rel=\"canonical\""
    }

    /// A non-negative number as the spec's floats: an integer when whole, else at most six decimals, no
    /// trailing zeros, no exponent. A negative number gets a `-`; one too large for an `Int` of millionths
    /// saturates, and NaN is 0 (neither comes out of the planner).
    static func decimalText(_ value: Double) -> String {
        let micro = Int.clamping(value * 1_000_000)
        let sign = micro < 0 ? "-" : ""
        // The magnitude of Int.min does not fit in an Int.
        let magnitude = micro.magnitude
        let whole = magnitude / 1_000_000
        var fraction = Int(magnitude % 1_000_000)
        guard fraction != 0 else { return "\(sign)\(whole)" }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: max(digits - text.count, 0)) + text
    }
}

extension IIIFRotation {
    /// The same rotation as the model's ``Rotation``.
    public var modelRotation: Rotation { Rotation(degrees: degrees, mirrored: mirrored) }
}
