import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

// iipsrv-reference §3.6 (level numbering, NUMTILES, tiles)
@Suite("Zoomify layout")
struct ZoomifyLayoutTests {
    @Test("reference 1000x700, 256 tiles, 3 levels: NUMTILES 17, nothing discarded")
    func reference() throws {
        let layout = ZoomifyLayout(image: TestImages.rgb)
        #expect(layout.numTiles == 17)
        #expect(layout.discard == 0)
        #expect(layout.tileSize == 256)
        #expect(layout.levelCount == 3)
        #expect(
            ZoomifyProperties.xml(layout)
                == "<IMAGE_PROPERTIES WIDTH=\"1000\" HEIGHT=\"700\" NUMTILES=\"17\" NUMIMAGES=\"1\" VERSION=\"1.8\" "
                + "TILESIZE=\"256\"/>")
        #expect(ZoomifyProperties.mediaType == "application/xml")
    }

    static let referenceTiles: [(Int, Int, Int, Int, Int)] = [
        (0, 0, 0, 0, 0), (1, 0, 0, 1, 0), (1, 1, 0, 1, 1), (1, 1, 1, 1, 3), (2, 0, 0, 2, 0), (2, 3, 0, 2, 3),
        (2, 0, 1, 2, 4), (2, 3, 2, 2, 11),
    ]

    @Test("tile z-x-y maps to JTL r, y*ntlx+x", arguments: referenceTiles)
    func referenceTile(_ level: Int, _ x: Int, _ y: Int, _ resolution: Int, _ tile: Int) throws {
        #expect(
            try ZoomifyLayout(image: TestImages.rgb).tile(level: level, x: x, y: y)
                == ZoomifyTile(resolution: resolution, tile: tile))
    }

    static let missing: [(Int, Int, Int)] = [
        (3, 0, 0), (-1, 0, 0), (2, 4, 0), (2, 0, 3), (1, 2, 0), (0, 1, 0),
        (0, 0, -1),
    ]

    @Test("levels and tiles that do not exist are 404", arguments: missing)
    func notFound(_ level: Int, _ x: Int, _ y: Int) {
        do {
            _ = try ZoomifyLayout(image: TestImages.rgb).tile(level: level, x: x, y: y)
            Issue.record("expected an error")
        } catch {
            #expect(error.status == 404)
        }
    }

    @Test("discard rule: three levels under one tile, two are hidden")
    func discard() throws {
        // 64x43, 127x85 and 254x170 are all under 256 in both dimensions.
        let layout = ZoomifyLayout(image: TestImages.odd)
        #expect(layout.discard == 2)
        #expect(layout.levelCount == 3)
        #expect(layout.numTiles == 1 + 4 + 12)
        #expect(try layout.tile(level: 0, x: 0, y: 0) == ZoomifyTile(resolution: 2, tile: 0))
        #expect(try layout.tile(level: 1, x: 1, y: 1) == ZoomifyTile(resolution: 3, tile: 3))
        #expect(try layout.tile(level: 2, x: 3, y: 2) == ZoomifyTile(resolution: 4, tile: 11))
        #expect(throws: ProtocolError.self) { try layout.tile(level: 3, x: 0, y: 0) }
    }

    @Test("a level as wide as the tile is not small; one small level is kept")
    func boundaries() throws {
        // 256x100 is not smaller than 256 in width: not counted, its tile counted.
        let edge = ZoomifyLayout(image: IIIFFixtures.pyramid([(128, 50), (256, 100), (512, 200)]))
        #expect(edge.discard == 0)
        #expect(edge.numTiles == 1 + 1 + 2)
        #expect(try edge.tile(level: 0, x: 0, y: 0) == ZoomifyTile(resolution: 0, tile: 0))
        // Tall levels: 100x300 is over the tile in height.
        let tall = ZoomifyLayout(image: IIIFFixtures.pyramid([(25, 75), (50, 150), (100, 300)]))
        #expect(tall.discard == 1)
        #expect(tall.numTiles == 1 + 2)
        #expect(try tall.tile(level: 0, x: 0, y: 0) == ZoomifyTile(resolution: 1, tile: 0))
        #expect(try tall.tile(level: 1, x: 0, y: 1) == ZoomifyTile(resolution: 2, tile: 1))
        // Every level is over the tile: z=0 is the smallest level.
        let big = ZoomifyLayout(image: IIIFFixtures.pyramid([(300, 300), (600, 600)]))
        #expect(big.discard == 0)
        #expect(big.numTiles == 1 + 4 + 9)
    }

    @Test("tile size is the full resolution's tile width")
    func tileWidth() {
        let layout = ZoomifyLayout(image: TestImages.grey16)
        #expect(layout.tileSize == 128)
        // 640x480 with tw = 128: 5 x 4 tiles counted with the tile width in both directions.
        #expect(layout.numTiles == 21)
        #expect(
            ZoomifyProperties.xml(width: 640, height: 480, numTiles: 21, tileSize: 128)
                == "<IMAGE_PROPERTIES WIDTH=\"640\" HEIGHT=\"480\" NUMTILES=\"21\" NUMIMAGES=\"1\" VERSION=\"1.8\" "
                + "TILESIZE=\"128\"/>")
    }
}
