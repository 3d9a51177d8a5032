import IIPImaging

/// The encoder quality for a format: QLT when given, else the format's variable, clamped as iipsrv clamps it
/// (iipsrv-reference §2.1 QLT, §9).
struct OutputQuality: Sendable {
    let configuration: ServerConfiguration

    func value(for format: EncodedFormat, requested: Int?) -> Int {
        switch format {
        case .jpeg, .pdf, .jp2: min(max(requested ?? configuration.jpegQuality, 1), 100)
        case .png: min(max(requested ?? configuration.pngQuality, 0), 9)
        case .webp: min(max(requested ?? configuration.webpQuality, -1), 100)
        case .tiff: min(max(requested ?? configuration.tiffQuality, 0), 100)
        case .gif: 0
        }
    }
}
