import IIPModel
import IIPProtocol
import IIPTestSupport

/// Hostile numbers and image descriptions for the no-trap tests (issue 8).
///
/// A Swift trap cannot be caught: if any of these reaches `Int(Double)`, an overflowing operator, a division by zero,
/// a bad range or an out-of-range index, the test process dies and the run fails.
enum ExtremeValues {
    /// Numbers as a client may send them, well formed or not.
    static let numbers: [String] = [
        "0", "-0", "-1", "1", "1e308", "-1e308", "1e-320", "-1e-320", "inf", "-inf", "nan", "Infinity", "NaN",
        "2147483647", "2147483648", "-2147483648", "4294967295", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "99999999999999999999", "0x10", "", "1.7976931348623157e308", "1e309", "360", "359.9",
        "0.5", String(repeating: "9", count: 400), "0." + String(repeating: "0", count: 400) + "1",
    ]

    /// The largest width, height or tile size the image reader lets through.
    static let side = Int(Int32.max)

    /// Images of sane and of extreme (but reader-valid) geometry: sides 1 to 2^31-1, tiles 1 to 2^31-1, up to 64
    /// levels.
    static let images: [(name: String, image: ImageDescription)] = [
        ("reference 1000x700", TestImages.rgb),
        ("odd 1013x677", TestImages.odd),
        ("1x1 tile 1", single(width: 1, height: 1, tile: 1)),
        ("1x1 tile max", single(width: 1, height: 1, tile: side)),
        ("max x max tile 1", halving(width: side, height: side, tile: 1)),
        ("max x max tile 256", halving(width: side, height: side, tile: 256)),
        ("max x max tile max", halving(width: side, height: side, tile: side)),
        ("max x max single level tile 1", single(width: side, height: side, tile: 1)),
        ("max x 1 tile 1", halving(width: side, height: 1, tile: 1)),
        ("1 x max tile max", halving(width: 1, height: side, tile: side)),
        ("64 levels", sixtyFourLevels),
    ]

    /// Images a reader should never produce (zero, negative and 64-bit sizes, no levels): the protocol code must
    /// not trap on them either.
    static let hostileImages: [(name: String, image: ImageDescription)] = [
        ("2^32-1 square tile 1", halving(width: 4_294_967_295, height: 4_294_967_295, tile: 1)),
        ("Int.max square tile Int.max", single(width: .max, height: .max, tile: .max)),
        ("Int.max square tile 1", single(width: .max, height: .max, tile: 1)),
        ("tile 0", single(width: 100, height: 100, tile: 0)),
        ("tile -1", single(width: 100, height: 100, tile: -1)),
        ("0x0", single(width: 0, height: 0, tile: 256)),
        ("negative size", single(width: -5, height: -7, tile: 256)),
        ("no levels", ImageDescription(levels: [], channels: 3, bitsPerSample: 8, colorSpace: .sRGB)),
        ("negative channels", ImageDescription(levels: [], channels: -3, bitsPerSample: 8, colorSpace: .sRGB)),
    ]

    /// Every image, valid or not.
    static let allImages = images + hostileImages

    /// Integers a caller may pass to a public API directly, bypassing a parser.
    static let integers: [Int] = [
        0, 1, -1, 2, 255, 256, side - 1, side, side + 1, Int(UInt32.max), .max, .max - 1, .min, .min + 1,
    ]

    /// Doubles a caller may pass to a public API directly, bypassing a parser.
    static let doubles: [Double] = [
        0, -0.0, 1, -1, 0.5, 90, 360, 1e308, -1e308, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
        .leastNormalMagnitude, .infinity, -.infinity, .nan,
        .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 9.3e18, -9.3e18, 4_294_967_295,
    ]

    /// One level.
    static func single(width: Int, height: Int, tile: Int) -> ImageDescription {
        ImageDescription(
            levels: [PyramidLevel(width: width, height: height, tileWidth: tile, tileHeight: tile)], channels: 3,
            bitsPerSample: 8, colorSpace: .sRGB)
    }

    /// Levels halved (rounded up) down to 1x1, smallest first.
    static func halving(width: Int, height: Int, tile: Int) -> ImageDescription {
        var levels: [PyramidLevel] = []
        var w = width
        var h = height
        while true {
            levels.insert(PyramidLevel(width: w, height: h, tileWidth: tile, tileHeight: tile), at: 0)
            if w <= 1 && h <= 1 || levels.count == 64 { break }
            w = (w - 1) / 2 + 1
            h = (h - 1) / 2 + 1
        }
        return ImageDescription(levels: levels, channels: 3, bitsPerSample: 8, colorSpace: .sRGB)
    }

    /// 64 levels, the reader's limit: 1x1 repeated, then halvings up to 2^31-1.
    static let sixtyFourLevels: ImageDescription = {
        var image = halving(width: side, height: side, tile: 1)
        while image.levels.count < 64 { image.levels.insert(image.levels[0], at: 0) }
        return image
    }()

    /// Every way to fill the `{}` slots of `template` with sane `defaults` and one or two of `numbers`: each
    /// number in each slot alone, and each ordered pair of numbers in each pair of slots.
    static func fillings(_ template: String, defaults: [String], numbers: [String] = numbers) -> [String] {
        let parts = split(template, on: "{}")
        precondition(parts.count - 1 == defaults.count, "one default per slot in \(template)")
        func fill(_ values: [String]) -> String {
            var text = parts[0]
            for (index, value) in values.enumerated() { text += value + parts[index + 1] }
            return text
        }
        var result = [fill(defaults)]
        for slot in defaults.indices {
            for number in numbers {
                var values = defaults
                values[slot] = number
                result.append(fill(values))
            }
        }
        for first in defaults.indices {
            for second in defaults.indices where second > first {
                for a in numbers {
                    for b in numbers {
                        var values = defaults
                        values[first] = a
                        values[second] = b
                        result.append(fill(values))
                    }
                }
            }
        }
        return result
    }

    /// The pieces of `text` between occurrences of `separator`.
    static func split(_ text: String, on separator: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let range = rest.firstRange(of: separator) {
            result.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        result.append(String(rest))
        return result
    }
}
