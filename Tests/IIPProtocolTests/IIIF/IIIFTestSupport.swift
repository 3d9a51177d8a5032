import IIPModel
import IIPProtocol

/// Images and helpers shared by the IIIF, DeepZoom and Zoomify tests.
enum IIIFFixtures {
    /// 1013x677 with 256x256 tiles and three levels rounded up on halving: 254x170, 507x339, 1013x677.
    static let odd3 = pyramid([(254, 170), (507, 339), (1013, 677)])

    /// 1013x677 with levels rounded down on halving: 253x169, 506x338, 1013x677.
    static let oddFloor = pyramid([(253, 169), (506, 338), (1013, 677)])

    /// 1000x1000, the validator's test image, with levels 250, 500 and 1000.
    static let validator = pyramid([(250, 250), (500, 500), (1000, 1000)])

    /// A pyramid of RGB levels (smallest first) with square tiles.
    static func pyramid(_ sizes: [(Int, Int)], tile: Int = 256, channels: Int = 3) -> ImageDescription {
        ImageDescription(
            levels: sizes.map { PyramidLevel(width: $0.0, height: $0.1, tileWidth: tile, tileHeight: tile) },
            channels: channels, bitsPerSample: 8, colorSpace: channels >= 3 ? .sRGB : .greyscale)
    }

    /// Parses `parameters` (`region/size/rotation/quality.format`) and plans it.
    static func plan(
        _ parameters: String, width: Int, height: Int, version: IIIFVersion = .v3,
        limits: IIIFLimits = IIIFLimits(), formats: Set<OutputFormat> = [.jpeg, .png]
    ) throws(ProtocolError) -> IIIFImagePlan {
        let parser = IIIFRequestParser(formats: formats)
        guard case .image(_, let request) = try parser.parse("id/" + parameters, version: version) else {
            throw ProtocolError.badRequest("not an image request")
        }
        return try IIIFImagePlanner.plan(
            request, imageWidth: width, imageHeight: height, version: version, limits: limits)
    }

    /// The status of the error `body` throws, or 200 when it does not throw.
    static func status(_ body: () throws(ProtocolError) -> Void) -> Int {
        do {
            try body()
            return 200
        } catch {
            return error.status
        }
    }
}
