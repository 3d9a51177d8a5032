import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

/// Issue 8 for DeepZoom and Zoomify: extreme numbers in the tile path, and images of extreme size, give a tile, a
/// region or a typed 400/404 error, never a trap.
@Suite("Extreme numbers: DeepZoom and Zoomify")
struct TileLayoutExtremeTests {
    /// DeepZoom tile sizes: the image's, the usual ones, and configuration extremes.
    static let deepZoomTileSizes: [Int?] = [nil, 1, 254, 256, ExtremeValues.side, .max, 0, -1, .min]

    @Test("DeepZoom _files/{level}/{x}_{y}: every number alone and in pairs, on every image")
    func deepZoomRequests() {
        var tiles = 0
        for argument in ExtremeValues.fillings("image.tif_files/{}/{}_{}.jpg", defaults: ["8", "0", "0"]) {
            let request: DeepZoomRequest
            do {
                request = try DeepZoomRequest.parse(argument)
            } catch {
                #expect(error.status == 400, "\(argument): \(error)")
                continue
            }
            guard case .tile(_, let level, let x, let y, _) = request else {
                Issue.record("\(argument) is not a tile")
                continue
            }
            #expect([level, x, y].allSatisfy { $0 >= 0 && $0 <= Int(Int32.max) }, "\(argument)")
            tiles += 1
            for (name, image) in ExtremeValues.allImages {
                for tileSize in Self.deepZoomTileSizes {
                    Self.deepZoomSource(DeepZoomLayout(image: image, tileSize: tileSize), level, x, y, "\(name)")
                }
            }
        }
        #expect(tiles > 0)
    }

    @Test("DeepZoom: every level and the tiles at and beyond each grid edge, on every image")
    func deepZoomGrid() {
        for (name, image) in ExtremeValues.allImages {
            for tileSize in Self.deepZoomTileSizes {
                let layout = DeepZoomLayout(image: image, tileSize: tileSize)
                #expect(layout.maxLevel >= 0 && layout.maxLevel < Int.bitWidth, "\(name)")
                _ = layout.descriptorXML
                _ = DeepZoomDescriptor.json(width: image.width, height: image.height, tileSize: layout.tileSize)
                let levels = Set([-1, 0, 1, layout.maxLevel - 1, layout.maxLevel, layout.maxLevel + 1, .max, .min])
                    .union(0...min(layout.maxLevel, 70))
                for level in levels {
                    let grid = layout.tileGrid(level: level)
                    let columns = grid?.columns ?? 1
                    let rows = grid?.rows ?? 1
                    for x in Self.edges(columns) {
                        for y in Self.edges(rows) { Self.deepZoomSource(layout, level, x, y, name) }
                    }
                }
            }
        }
    }

    @Test("Zoomify TileGroup{n}/{z}-{x}-{y}: every number alone and in pairs, on every image")
    func zoomifyRequests() {
        var tiles = 0
        for argument in ExtremeValues.fillings("image.tif/TileGroup0/{}-{}-{}.jpg", defaults: ["0", "0", "0"]) {
            let request: ZoomifyRequest
            do {
                request = try ZoomifyRequest.parse(argument)
            } catch {
                #expect(error.status == 400, "\(argument): \(error)")
                continue
            }
            guard case .tile(_, let level, let x, let y) = request else {
                Issue.record("\(argument) is not a tile")
                continue
            }
            #expect([level, x, y].allSatisfy { $0 >= 0 && $0 <= Int(Int32.max) }, "\(argument)")
            tiles += 1
            for (name, image) in ExtremeValues.allImages {
                Self.zoomifyTile(ZoomifyLayout(image: image), level, x, y, name)
            }
        }
        #expect(tiles > 0)
    }

    @Test("Zoomify: every level and the tiles at and beyond each grid edge, on every image")
    func zoomifyGrid() {
        for (name, image) in ExtremeValues.allImages {
            let layout = ZoomifyLayout(image: image)
            #expect(layout.numTiles >= 1, "\(name)")
            _ = ZoomifyProperties.xml(layout)
            let levels = Set([-1, 0, layout.levelCount - 1, layout.levelCount, .max, .min]).union(0..<layout.levelCount)
            for level in levels {
                let resolution = level.saturatingAdd(layout.discard)
                let pyramidLevel =
                    resolution >= 0 && resolution < image.levels.count ? image.levels[resolution] : nil
                for x in Self.edges(pyramidLevel?.tilesAcross ?? 1) {
                    for y in Self.edges(pyramidLevel?.tilesDown ?? 1) { Self.zoomifyTile(layout, level, x, y, name) }
                }
            }
        }
    }

    @Test("NUMTILES of a 2^32-1 square pyramid with 1-pixel tiles saturates instead of overflowing")
    func zoomifyNumTilesSaturates() {
        let layout = ZoomifyLayout(image: ExtremeValues.halving(width: 4_294_967_295, height: 4_294_967_295, tile: 1))
        #expect(layout.numTiles == .max)
        let reference = ZoomifyLayout(image: TestImages.rgb)
        #expect(reference.numTiles == 17)
    }

    // MARK: - Helpers

    /// Tile coordinates around a grid of `count` tiles: the first, the last, just outside, and the extremes.
    static func edges(_ count: Int) -> [Int] {
        [0, 1, count.saturatingSubtract(1), count, count.saturatingAdd(1), -1, .max, .min]
    }

    static func deepZoomSource(_ layout: DeepZoomLayout, _ level: Int, _ x: Int, _ y: Int, _ name: String) {
        let source: DeepZoomTileSource
        do {
            source = try layout.source(level: level, x: x, y: y)
        } catch {
            #expect(error.status == 404, "\(name) level \(level) \(x)_\(y): \(error)")
            return
        }
        let image = layout.image
        switch source {
        case .pyramidTile(let resolution, let tile):
            #expect(image.levels[resolution].tileRect(tile) != nil, "\(name) level \(level) \(x)_\(y)")
        case .region(let rect, let width, let height):
            #expect(width >= 1 && width <= layout.tileSize && height >= 1 && height <= layout.tileSize, "\(name)")
            #expect(rect.x >= 0 && rect.y >= 0 && rect.maxX <= image.width && rect.maxY <= image.height, "\(name)")
            #expect(rect.width >= 1 && rect.height >= 1, "\(name) level \(level) \(x)_\(y): \(rect)")
            let export = RegionExportPlanner.plan(
                image: image, fullRect: rect, outputWidth: width, outputHeight: height)
            #expect(export.outputWidth == width, "\(name)")
        }
    }

    static func zoomifyTile(_ layout: ZoomifyLayout, _ level: Int, _ x: Int, _ y: Int, _ name: String) {
        do {
            let tile = try layout.tile(level: level, x: x, y: y)
            #expect(layout.image.levels[tile.resolution].tileRect(tile.tile) != nil, "\(name) \(level)-\(x)-\(y)")
        } catch {
            #expect(error.status == 404, "\(name) \(level)-\(x)-\(y): \(error)")
        }
    }
}
