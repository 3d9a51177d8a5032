import IIPImaging
import IIPModel
import IIPTestSupport
import Testing

/// `ImageSource.readRegion`: a region across tile boundaries holds exactly the pixels of the tiles it covers.
@Suite struct ImageSourceRegionTests {
    static let spec = FixtureSpec("region-source.tif", width: 300, height: 200).with {
        $0.tileSize = 64
        $0.compression = .deflate
    }

    @Test func regionAcrossTilesMatchesTheTilesPixels() throws {
        let source: any ImageSource = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(Self.spec)))
        let resolution = source.description.levels.count - 1
        let level = source.description.levels[resolution]
        // 100x50 starting inside tile 0 and reaching into tiles 1, 2, 5, 6 and 7 of the 5-across grid.
        let rect = PixelRect(x: 30, y: 40, width: 100, height: 50)
        let region = try source.readRegion(resolution: resolution, rect: rect)
        #expect(region.width == 100 && region.height == 50 && region.channels == 3)
        for (x, y) in [(0, 0), (33, 23), (34, 24), (99, 49), (50, 10), (98, 1)] {
            let column = (rect.x + x) / level.tileWidth
            let row = (rect.y + y) / level.tileHeight
            let tile = try source.readTile(resolution: resolution, tile: row * level.tilesAcross + column)
            let tileX = (rect.x + x) % level.tileWidth
            let tileY = (rect.y + y) % level.tileHeight
            let expected = Array(tile.bytes[(tileY * tile.width + tileX) * 3..<(tileY * tile.width + tileX) * 3 + 3])
            let actual = Array(region.bytes[(y * 100 + x) * 3..<(y * 100 + x) * 3 + 3])
            #expect(actual == expected, "pixel \(x),\(y)")
        }
    }

    @Test func regionsOutsideTheLevelAreRefused() throws {
        let source: any ImageSource = try PyramidTIFF(path: Fixtures.path(try Fixtures.make(Self.spec)))
        let resolution = source.description.levels.count - 1
        #expect(throws: ImagingError.self) {
            try source.readRegion(resolution: resolution, rect: PixelRect(x: 250, y: 0, width: 100, height: 10))
        }
        #expect(throws: ImagingError.self) {
            try source.readRegion(resolution: 99, rect: PixelRect(x: 0, y: 0, width: 1, height: 1))
        }
    }
}
