public import IIPImaging
public import IIPModel
public import NIOCore

/// Stage 6, Encode: pixels to bytes in the requested format. Blocking: called on codec threads.
public struct EncodeStage: Sendable {
    /// The formats this build can write.
    public static let formats: Set<OutputFormat> = [.jpeg]

    /// Creates the stage.
    public init() {}

    /// Encodes 8-bit `pixels`.
    ///
    /// - Parameter density: Pixel density for the output's header, when the image has one.
    public func run(
        _ pixels: PixelBuffer, format: OutputFormat, quality: Int, density: PhysicalResolution? = nil
    ) throws(ImagingError) -> ByteBuffer {
        switch format {
        case .jpeg:
            let encoder = JPEGEncoder(quality: quality, density: density.flatMap(Self.jpegDensity))
            return ByteBuffer(bytes: try encoder.encode(pixels))
        default:
            throw .encodeFailed("no \(format.rawValue) encoder in this build")
        }
    }

    /// JFIF density (rounded) for a physical resolution; `nil` when it has no unit.
    static func jpegDensity(_ resolution: PhysicalResolution) -> JPEGDensity? {
        let unit: UInt8
        switch resolution.unit {
        case .inch: unit = 1
        case .centimetre: unit = 2
        case .none: return nil
        }
        let x = UInt16(clamping: Int(resolution.x.rounded()))
        let y = UInt16(clamping: Int(resolution.y.rounded()))
        guard x > 0, y > 0 else { return nil }
        return JPEGDensity(unit: unit, x: x, y: y)
    }
}
