import IIPImaging
import IIPModel
import IIPProtocol
import Testing

/// Issue 8 for the model: tile grids, rectangles, rotations and OBJ answers with extreme values do not trap.
@Suite("Extreme numbers: model")
struct ModelExtremeTests {
    @Test("PyramidLevel tile grid and tile rectangles with any sizes")
    func pyramidLevel() {
        let integers = ExtremeValues.integers
        for width in integers {
            for tile in integers {
                for level in [
                    PyramidLevel(width: width, height: width, tileWidth: tile, tileHeight: tile),
                    PyramidLevel(width: width, height: 1, tileWidth: tile, tileHeight: 1),
                    PyramidLevel(width: 1, height: width, tileWidth: 256, tileHeight: tile),
                ] {
                    #expect(level.tilesAcross >= 0 && level.tilesDown >= 0 && level.tileCount >= 0)
                    let count = level.tileCount
                    for index in [0, 1, -1, count.saturatingSubtract(1), count, .max, .min, level.tilesAcross] {
                        guard let rect = level.tileRect(index) else { continue }
                        #expect(rect.x >= 0 && rect.y >= 0 && rect.width >= 1 && rect.height >= 1, "\(level) \(index)")
                        #expect(rect.maxX <= level.width && rect.maxY <= level.height, "\(level) \(index)")
                    }
                }
            }
        }
    }

    @Test("PyramidLevel counts: unchanged for sane sizes, 0 for empty levels and tiles")
    func pyramidCounts() {
        let level = PyramidLevel(width: 1000, height: 700, tileWidth: 256, tileHeight: 256)
        #expect(level.tilesAcross == 4 && level.tilesDown == 3 && level.tileCount == 12)
        #expect(level.tileRect(11) == PixelRect(x: 768, y: 512, width: 232, height: 188))
        #expect(PyramidLevel(width: 100, height: 100, tileWidth: 0, tileHeight: 0).tileCount == 0)
        #expect(PyramidLevel(width: 0, height: 100, tileWidth: 256, tileHeight: 256).tileCount == 0)
        let side = ExtremeValues.side
        let huge = PyramidLevel(width: side, height: side, tileWidth: 1, tileHeight: 1)
        #expect(huge.tileCount == side * side)
        #expect(huge.tileRect(side * side - 1) == PixelRect(x: side - 1, y: side - 1, width: 1, height: 1))
        let widest = PyramidLevel(width: .max, height: .max, tileWidth: 1, tileHeight: 1)
        #expect(widest.tileCount == .max)
    }

    @Test("PixelRect edges and intersections with any values")
    func pixelRect() {
        let integers = ExtremeValues.integers
        for a in integers {
            for b in integers {
                let rect = PixelRect(x: a, y: b, width: b, height: a)
                _ = (rect.maxX, rect.maxY, rect.isEmpty, rect.description)
                let others = [
                    PixelRect(x: 0, y: 0, width: 100, height: 100),
                    PixelRect(x: .min, y: .min, width: .max, height: .max),
                    PixelRect(x: .max, y: .max, width: .max, height: .max), PixelRect(x: b, y: a, width: a, height: b),
                ]
                for other in others {
                    if let overlap = rect.intersection(other) {
                        #expect(overlap.width >= 1 && overlap.height >= 1)
                    }
                }
            }
        }
        #expect(PixelRect(x: 10, y: 20, width: 30, height: 40).maxX == 40)
        #expect(
            PixelRect(x: 0, y: 0, width: 10, height: 10).intersection(PixelRect(x: 5, y: 5, width: 10, height: 10))
                == PixelRect(x: 5, y: 5, width: 5, height: 5))
    }

    @Test("Rotation with any angle: a reduced angle in 0..<360, quarter turns 0...3 or none")
    func rotation() {
        for degrees in ExtremeValues.doubles + [450, -90, -Double.leastNonzeroMagnitude, 720, -360, 359.9999999999] {
            for mirrored in [false, true] {
                let rotation = Rotation(degrees: degrees, mirrored: mirrored)
                let reduced = rotation.normalizedDegrees
                #expect(reduced >= 0 && reduced < 360, "\(degrees)")
                if let turns = rotation.quarterTurns { #expect((0...3).contains(turns), "\(degrees)") }
                _ = (rotation.swapsAxes, rotation.isIdentity)
                #expect(ArbitraryRotation.boundingSize(width: 100, height: 50, degrees: reduced).width >= 1)
            }
        }
        #expect(Rotation(degrees: -90).quarterTurns == 3)
        #expect(Rotation(degrees: 450).quarterTurns == 1)
        #expect(Rotation(degrees: -Double.leastNonzeroMagnitude).quarterTurns == 0)
        #expect(Rotation(degrees: -Double.leastNonzeroMagnitude).isIdentity)
        #expect(Rotation(degrees: .infinity).quarterTurns == nil)
        #expect(Rotation(degrees: .nan).quarterTurns == nil)
        #expect(Rotation.normalized(-0.0).sign == .plus)
        #expect(Rotation.normalized(1e308) == 1e308.truncatingRemainder(dividingBy: 360))
    }

    @Test("OBJ answers on every image, with every rotation")
    func objects() {
        let names = [
            "iip,1.0", "iip-server", "max-size", "tile-size", "resolution-number", "bits-per-channel",
            "vertical-views", "horizontal-views", "min-max-sample-values", "resolutions", "colorspace", "basic-info",
            "iip-opt-comm", "iip-opt-obj", "dpi", "stack", "metadata", "summary-info", "title", "copyright",
        ]
        var dense = ExtremeValues.single(width: 10, height: 10, tile: 1)
        dense.resolution = PhysicalResolution(x: .infinity, y: .nan, unit: .inch)
        for (name, image) in ExtremeValues.allImages + [("infinite dpi", dense)] {
            for objectName in names {
                let object = IIPObject(name: objectName)!
                for degrees in ExtremeValues.doubles {
                    _ = IIPObjectFormatter.answer(object, image: image, rotation: Rotation(degrees: degrees))
                }
            }
            _ = (image.fullLevel, image.width, image.height, name)
        }
        #expect(ExtremeValues.hostileImages.last!.image.minValues.isEmpty)
    }

    @Test("Int.clamping matches Int(x.rounded()) where that works, and saturates elsewhere")
    func clamping() {
        for value in [0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e15 + 0.5, 4_294_967_295.4, -1e18] {
            #expect(Int.clamping(value) == Int(value.rounded()))
            #expect(Int.clamping(value, rounding: .towardZero) == Int(value))
        }
        #expect(Int.clamping(.nan) == 0)
        #expect(Int.clamping(.infinity) == .max)
        #expect(Int.clamping(-.infinity) == .min)
        #expect(Int.clamping(9.223372036854775807e18) == .max)
        #expect(Int.clamping(-9.223372036854775808e18) == .min)
        #expect(Int.clamping(1e308) == .max)
        #expect(Int.clamping(9.2e18) == 9_200_000_000_000_000_000)
    }

    @Test("saturating arithmetic")
    func saturating() {
        #expect(3.saturatingAdd(4) == 7)
        #expect(Int.max.saturatingAdd(1) == .max)
        #expect(Int.min.saturatingAdd(-1) == .min)
        #expect(Int.min.saturatingSubtract(1) == .min)
        #expect(Int.max.saturatingSubtract(-1) == .max)
        #expect(5.saturatingSubtract(7) == -2)
        #expect(Int.max.saturatingMultiply(2) == .max)
        #expect(Int.max.saturatingMultiply(-2) == .min)
        #expect(Int.min.saturatingMultiply(-1) == .max)
        #expect(6.saturatingMultiply(-7) == -42)
        #expect(10.ceilingDivision(by: 3) == 4)
        #expect(9.ceilingDivision(by: 3) == 3)
        #expect(Int.max.ceilingDivision(by: 1) == .max)
        #expect(Int.max.ceilingDivision(by: 2) == 1 << 62)
        #expect(5.ceilingDivision(by: 0) == 0)
        #expect(0.ceilingDivision(by: 5) == 0)
        #expect((-5).ceilingDivision(by: 5) == 0)
        #expect(Int.powerOfTwo(0) == 1)
        #expect(Int.powerOfTwo(62) == 1 << 62)
        #expect(Int.powerOfTwo(63) == .max)
        #expect(Int.powerOfTwo(1000) == .max)
        #expect(Int.powerOfTwo(-1) == 0)
    }
}
