import IIPModel
import IIPProtocol
import IIPTestSupport
import Testing

private func match(
    _ parameters: String, on image: ImageDescription = IIIFFixtures.odd3, version: IIIFVersion = .v3
) throws -> IIIFTileMatch? {
    let plan = try IIIFFixtures.plan(parameters, width: image.width, height: image.height, version: version)
    return IIIFTileMatch.match(plan, in: image)
}

/// The region and size OpenSeadragon's IIIF tile source requests (iiif-and-clients §6): region `x,y,w,h` in
/// full-resolution pixels clipped to the image, or `full` for a tile covering the image; size `ceil(w/s),ceil(h/s)`
/// in 3.0 and `ceil(w/s),` in 2.1 (`max`/`full` when the level is full size).
private func openSeadragon(
    image: ImageDescription, scale: Int, tile: Int, column: Int, row: Int, version: IIIFVersion
) -> String {
    let span = tile * scale
    let x = column * span
    let y = row * span
    let width = min(span, image.width - x)
    let height = min(span, image.height - y)
    let region =
        x == 0 && y == 0 && width == image.width && height == image.height ? "full" : "\(x),\(y),\(width),\(height)"
    let sizeWidth = (width + scale - 1) / scale
    let sizeHeight = (height + scale - 1) / scale
    let size: String
    switch version {
    case .v3: size = width == image.width && height == image.height && scale == 1 ? "max" : "\(sizeWidth),\(sizeHeight)"
    case .v2: size = width == image.width && height == image.height && scale == 1 ? "full" : "\(sizeWidth),"
    }
    return "\(region)/\(size)/0/default.jpg"
}

// iipsrv-reference §4.4 (Dispatch); iiif-and-clients §6 (OpenSeadragon, Leaflet-IIIF)
@Suite("IIIF tile matching")
struct IIIFTileMatchTests {
    @Test("every tile OpenSeadragon requests at every level, 3.0 and 2.1", arguments: [IIIFVersion.v3, .v2])
    func everyTile(_ version: IIIFVersion) throws {
        let image = IIIFFixtures.odd3
        var count = 0
        for (resolution, level) in image.levels.enumerated() {
            let scale = 1 << (image.levels.count - 1 - resolution)
            for row in 0..<level.tilesDown {
                for column in 0..<level.tilesAcross {
                    let parameters = openSeadragon(
                        image: image, scale: scale, tile: 256, column: column, row: row, version: version)
                    let found = try match(parameters, version: version)
                    #expect(
                        found == IIIFTileMatch(resolution: resolution, tile: row * level.tilesAcross + column),
                        "\(parameters)")
                    count += 1
                }
            }
        }
        #expect(count == 1 + 4 + 12)
    }

    static let exact: [(String, IIIFVersion, Int, Int)] = [
        // full resolution (s=1): 4x3 tiles, edge tiles 245 wide and 165 high
        ("0,0,256,256/256,256/0/default.jpg", .v3, 2, 0),
        ("768,0,245,256/245,256/0/default.jpg", .v3, 2, 3),
        ("768,512,245,165/245,165/0/default.jpg", .v3, 2, 11),
        ("768,512,256,256/245,165/0/default.jpg", .v3, 2, 11),
        ("256,512,256,165/256,/0/default.jpg", .v2, 2, 9),
        ("0,0,256,256/256,256/0/color.jpg", .v3, 2, 0),
        // 507x339 (s=2): 2x2 tiles, edge tiles 251 wide and 83 high
        ("0,0,512,512/256,256/0/default.jpg", .v3, 1, 0),
        ("512,0,501,512/251,256/0/default.jpg", .v3, 1, 1),
        ("0,512,512,165/256,83/0/default.jpg", .v3, 1, 2),
        ("512,512,501,165/251,83/0/default.jpg", .v3, 1, 3),
        // Leaflet-IIIF 2.1 sends ceil(w/s), and the server computes the height: 251*512/501 rounds to 257
        ("512,0,501,512/251,/0/default.jpg", .v2, 1, 1),
        ("512,512,501,165/251,/0/default.jpg", .v2, 1, 3),
        // one-pixel rounding tolerated below full resolution
        ("0,0,512,512/257,257/0/default.jpg", .v3, 1, 0),
        ("512,512,501,165/250,82/0/default.jpg", .v3, 1, 3),
        // 254x170 (s=4): one tile
        ("full/254,170/0/default.jpg", .v3, 0, 0),
        ("full/254,/0/default.jpg", .v2, 0, 0),
        ("0,0,1013,677/254,170/0/default.jpg", .v3, 0, 0),
        ("0,0,1024,1024/254,170/0/default.jpg", .v3, 0, 0),
    ]

    @Test("exact tiles", arguments: exact)
    func exactTile(_ parameters: String, _ version: IIIFVersion, _ resolution: Int, _ tile: Int) throws {
        #expect(try match(parameters, version: version) == IIIFTileMatch(resolution: resolution, tile: tile))
    }

    static let nearMisses: [(String, IIIFVersion)] = [
        ("1,0,256,256/256,256/0/default.jpg", .v3),
        ("0,0,256,255/256,255/0/default.jpg", .v3),
        ("0,0,255,256/255,256/0/default.jpg", .v3),
        ("0,0,256,256/128,128/0/default.jpg", .v3),
        ("0,0,256,256/255,255/0/default.jpg", .v3),
        ("768,512,245,165/244,165/0/default.jpg", .v3),
        ("0,0,512,512/254,254/0/default.jpg", .v3),
        ("0,0,512,512/258,256/0/default.jpg", .v3),
        ("0,0,512,512/256,256/90/default.jpg", .v3),
        ("0,0,512,512/256,256/!0/default.jpg", .v3),
        ("0,0,512,512/256,256/0/gray.jpg", .v3),
        ("0,0,512,512/256,256/0/bitonal.jpg", .v3),
        ("256,0,512,512/256,256/0/default.jpg", .v3),
        ("0,0,1024,512/256,128/0/default.jpg", .v3),
        ("full/max/0/default.jpg", .v3),
        ("full/507,339/0/default.jpg", .v3),
        ("full/256,/0/default.jpg", .v2),
        ("square/256,256/0/default.jpg", .v3),
    ]

    @Test("near misses", arguments: nearMisses)
    func nearMiss(_ parameters: String, _ version: IIIFVersion) throws {
        #expect(try match(parameters, version: version) == nil)
    }

    @Test("reference image 1000x700: smallest level and full-resolution tiles")
    func referenceImage() throws {
        let image = TestImages.rgb
        #expect(try match("full/250,175/0/default.jpg", on: image) == IIIFTileMatch(resolution: 0, tile: 0))
        #expect(try match("768,512,232,188/232,188/0/default.jpg", on: image) == IIIFTileMatch(resolution: 2, tile: 11))
        #expect(try match("512,512,488,188/244,94/0/default.jpg", on: image) == IIIFTileMatch(resolution: 1, tile: 3))
        #expect(try match("full/max/0/default.jpg", on: image) == nil)
    }

    @Test("a single-level image that fits in one tile")
    func singleTile() throws {
        let image = IIIFFixtures.pyramid([(200, 100)])
        #expect(try match("full/max/0/default.jpg", on: image) == IIIFTileMatch(resolution: 0, tile: 0))
        #expect(try match("full/100,/0/default.jpg", on: image) == nil)
    }

    @Test("levels rounded down: scale factors from the real sizes")
    func floorPyramid() throws {
        let image = IIIFFixtures.oddFloor
        #expect(try match("512,0,501,512/251,256/0/default.jpg", on: image) == IIIFTileMatch(resolution: 1, tile: 1))
        #expect(try match("512,512,501,165/251,83/0/default.jpg", on: image) == IIIFTileMatch(resolution: 1, tile: 3))
        #expect(try match("full/254,170/0/default.jpg", on: image) == IIIFTileMatch(resolution: 0, tile: 0))
    }
}
