import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// Multi-page TIFF stacks as iipsrv master finds them (iipsrv-reference §7.1), written by libtiff.
@Suite struct TIFFStackTests {
    static func pages(width: Int, height: Int, count: Int, name: String) -> [PixelBuffer] {
        (0..<count).map {
            TestPattern.render(
                width: width, height: height, channels: 3, seed: Fixtures.seed(for: name) &+ UInt64($0 * 977))
        }
    }

    /// Pages of one size, one level each (SubfileType page, no SubIFDs).
    static func writeFlatStack(_ name: String) throws -> (path: String, pages: [PixelBuffer]) {
        let pictures = pages(width: 300, height: 200, count: 3, name: name)
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        let path = Fixtures.path(name)
        try writer.writeStack(
            [
                .init(pixels: pictures[0], name: "red", scale: 2.5), .init(pixels: pictures[1], name: "green"),
                .init(pixels: pictures[2]),
            ], to: path)
        return (path, pictures)
    }

    @Test func flatStackPagesAreLayers() throws {
        let (path, pictures) = try Self.writeFlatStack("stack-flat.tif")
        let first = try PyramidTIFF(path: path)
        #expect(first.description.stack.map(\.name) == ["red", "green", ""])
        #expect(first.description.stack.map(\.scale) == [2.5, 1, 1])
        #expect(first.description.horizontalViews == [0, 1, 2])
        #expect(first.description.levels.count == 1)
        for page in 0..<3 {
            let tiff = try PyramidTIFF(path: path, limits: .default, page: page)
            #expect(tiff.description.stack == first.description.stack)
            let tile = try tiff.readTile(resolution: 0, tile: 1)
            let expected = pictures[page].cropped(x: 256, y: 0, width: 44, height: 200)
            let equal = tile.bytes == expected.bytes
            #expect(equal, "page \(page)")
        }
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: path, limits: .default, page: 3) }
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: path, limits: .default, page: -1) }
        #expect(try ImageSourceOpener().open(path: path, page: 2).description.stack.count == 3)
    }

    @Test func subIFDStackPagesArePyramids() throws {
        let pictures = Self.pages(width: 600, height: 400, count: 2, name: "stack-subifd.tif")
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        writer.layout = .subIFDs
        let path = Fixtures.path("stack-subifd.tif")
        try writer.writeStack(pictures.map { .init(pixels: $0) }, to: path)
        for page in 0..<2 {
            let tiff = try PyramidTIFF(path: path, limits: .default, page: page)
            #expect(tiff.description.levels.map(\.width) == [150, 300, 600])
            #expect(tiff.description.stack.map(\.name) == ["", ""])
            let smallest = try tiff.readTile(resolution: 0, tile: 0)
            let expected = PyramidTIFFWriter.halve(PyramidTIFFWriter.halve(pictures[page]))
            let equal = smallest.bytes == expected.bytes
            #expect(equal, "page \(page)")
        }
    }

    @Test func pyramidsAndSinglePagesAreNotStacks() throws {
        let pyramid = try Fixtures.make(FixtureSpec("stack-not-a-stack.tif", width: 600, height: 400))
        let tiff = try PyramidTIFF(path: Fixtures.path(pyramid))
        #expect(tiff.description.stack.isEmpty)
        #expect(tiff.description.horizontalViews == [0])
        #expect(tiff.description.levels.count == 3)
        #expect(throws: ImagingError.self) { try PyramidTIFF(path: Fixtures.path(pyramid), limits: .default, page: 1) }
        let single = Fixtures.path("stack-one-page.tif")
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        try writer.writeStack([.init(pixels: Self.pages(width: 64, height: 64, count: 1, name: "one")[0])], to: single)
        #expect(try PyramidTIFF(path: single).description.stack.isEmpty)
    }
}
