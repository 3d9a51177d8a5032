import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

private func rect(_ x: Int, _ y: Int, _ width: Int, _ height: Int) -> PixelRect {
    PixelRect(x: x, y: y, width: width, height: height)
}

// iipsrv-reference §3.7 (levels; this project computes real downscales below the pyramid)
@Suite("DeepZoom layout")
struct DeepZoomLayoutTests {
    @Test("levels of the 1000x700 reference image")
    func referenceLevels() throws {
        let layout = DeepZoomLayout(image: TestImages.rgb)
        #expect(layout.maxLevel == 10)
        #expect(layout.tileSize == 256)
        let sizes = (0...10).map { layout.levelSize($0).map { [$0.width, $0.height] } ?? [] }
        #expect(
            sizes == [
                [1, 1], [2, 2], [4, 3], [8, 6], [16, 11], [32, 22], [63, 44], [125, 88], [250, 175], [500, 350],
                [1000, 700],
            ])
        #expect(layout.levelSize(11) == nil)
        #expect(layout.levelSize(-1) == nil)
        #expect(layout.tileGrid(level: 10).map { [$0.columns, $0.rows] } == [4, 3])
        #expect(layout.tileGrid(level: 9).map { [$0.columns, $0.rows] } == [2, 2])
        #expect(layout.tileGrid(level: 0).map { [$0.columns, $0.rows] } == [1, 1])
    }

    @Test("maxLevel = ceil(log2(max(w, h)))")
    func maxLevel() {
        let sizes: [(Int, Int, Int)] = [
            (1, 1, 0), (2, 1, 1), (3, 2, 2), (256, 100, 8), (257, 100, 9), (1013, 677, 10),
            (1024, 1024, 10), (1025, 10, 11), (100, 40_000, 16),
        ]
        for (width, height, level) in sizes {
            #expect(
                DeepZoomLayout(image: IIIFFixtures.pyramid([(width, height)])).maxLevel == level, "\(width)x\(height)")
        }
    }

    static let reference: [(Int, Int, Int, DeepZoomTileSource)] = [
        (10, 0, 0, .pyramidTile(resolution: 2, tile: 0)),
        (10, 3, 2, .pyramidTile(resolution: 2, tile: 11)),
        (10, 1, 2, .pyramidTile(resolution: 2, tile: 9)),
        (9, 1, 1, .pyramidTile(resolution: 1, tile: 3)),
        (9, 1, 0, .pyramidTile(resolution: 1, tile: 1)),
        (8, 0, 0, .pyramidTile(resolution: 0, tile: 0)),
        (7, 0, 0, .region(fullRect: rect(0, 0, 1000, 700), width: 125, height: 88)),
        (3, 0, 0, .region(fullRect: rect(0, 0, 1000, 700), width: 8, height: 6)),
        (0, 0, 0, .region(fullRect: rect(0, 0, 1000, 700), width: 1, height: 1)),
    ]

    @Test("tiles of the reference image", arguments: reference)
    func referenceTiles(_ level: Int, _ x: Int, _ y: Int, _ expected: DeepZoomTileSource) throws {
        #expect(try DeepZoomLayout(image: TestImages.rgb).source(level: level, x: x, y: y) == expected)
    }

    static let missing: [(Int, Int, Int)] = [
        (11, 0, 0), (-1, 0, 0), (10, 4, 0), (10, 0, 3), (9, 2, 0), (0, 1, 0),
        (10, -1, 0),
    ]

    @Test("levels and tiles that do not exist are 404", arguments: missing)
    func notFound(_ level: Int, _ x: Int, _ y: Int) {
        do {
            _ = try DeepZoomLayout(image: TestImages.rgb).source(level: level, x: x, y: y)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 404)
        }
    }

    @Test("odd pyramid rounded up: every pyramid level maps, smaller levels are regions")
    func oddPyramid() throws {
        let layout = DeepZoomLayout(image: TestImages.odd)
        #expect(layout.maxLevel == 10)
        #expect(try layout.source(level: 10, x: 3, y: 2) == .pyramidTile(resolution: 4, tile: 11))
        #expect(try layout.source(level: 9, x: 1, y: 1) == .pyramidTile(resolution: 3, tile: 3))
        #expect(try layout.source(level: 8, x: 0, y: 0) == .pyramidTile(resolution: 2, tile: 0))
        #expect(try layout.source(level: 7, x: 0, y: 0) == .pyramidTile(resolution: 1, tile: 0))
        #expect(try layout.source(level: 6, x: 0, y: 0) == .pyramidTile(resolution: 0, tile: 0))
        #expect(
            try layout.source(level: 5, x: 0, y: 0) == .region(fullRect: rect(0, 0, 1013, 677), width: 32, height: 22))
    }

    // iipsrv-reference §3.7: a pyramid rounded down (1013x677 → 506x338 → 253x169) still serves DeepZoom's rounded-up
    // levels (507x339, 254x170) from its own tiles, as iipsrv does; only levels below the pyramid are downscaled.
    @Test("pyramid rounded down serves the rounded-up DeepZoom levels from its tiles")
    func floorPyramid() throws {
        let layout = DeepZoomLayout(image: IIIFFixtures.oddFloor)
        #expect(try layout.source(level: 10, x: 3, y: 2) == .pyramidTile(resolution: 2, tile: 11))
        #expect(try layout.source(level: 9, x: 1, y: 1) == .pyramidTile(resolution: 1, tile: 3))
        #expect(try layout.source(level: 9, x: 0, y: 0) == .pyramidTile(resolution: 1, tile: 0))
        #expect(try layout.source(level: 8, x: 0, y: 0) == .pyramidTile(resolution: 0, tile: 0))
        #expect(
            try layout.source(level: 7, x: 0, y: 0) == .region(fullRect: rect(0, 0, 1013, 677), width: 127, height: 85))
    }

    @Test("tile size other than the pyramid's: regions at every level")
    func otherTileSize() throws {
        let layout = DeepZoomLayout(image: TestImages.rgb, tileSize: 512)
        #expect(layout.tileSize == 512)
        #expect(
            try layout.source(level: 10, x: 1, y: 1)
                == .region(fullRect: rect(512, 512, 488, 188), width: 488, height: 188))
        #expect(
            try layout.source(level: 9, x: 0, y: 0) == .region(fullRect: rect(0, 0, 1000, 700), width: 500, height: 350)
        )
        let rectangular = DeepZoomLayout(image: TestImages.grey16)
        #expect(rectangular.tileSize == 128)
        #expect(
            try rectangular.source(level: 10, x: 4, y: 3)
                == .region(fullRect: rect(512, 384, 128, 96), width: 128, height: 96))
    }
}
