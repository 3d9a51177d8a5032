import IIPModel
import IIPTestSupport

/// The fixture set of the end-to-end and differential suites: the shapes a pyramid TIFF comes in.
enum StandardFixtures {
    /// Odd size (edge tiles both ways), JPEG tiles of 256, 8-bit RGB, IFD pyramid.
    static let rgbJPEG = FixtureSpec("rgb-jpeg-odd.tif", width: 1013, height: 677)
    /// 512-pixel tiles, Deflate, 8-bit RGB.
    static let rgbDeflate512 = FixtureSpec("rgb-deflate-512.tif", width: 1500, height: 1100).with {
        $0.compression = .deflate
        $0.tileSize = 512
    }
    /// LZW, 8-bit grey, odd size.
    static let greyLZW = FixtureSpec("grey-lzw.tif", width: 777, height: 555).with {
        $0.channels = 1
        $0.compression = .lzw
    }
    /// 16-bit RGB, Deflate.
    static let rgb16 = FixtureSpec("rgb16-deflate.tif", width: 640, height: 480).with {
        $0.bits = 16
        $0.compression = .deflate
    }
    /// 16-bit grey, LZW, 512 tiles.
    static let grey16 = FixtureSpec("grey16-lzw-512.tif", width: 1100, height: 700).with {
        $0.channels = 1
        $0.bits = 16
        $0.compression = .lzw
        $0.tileSize = 512
    }
    /// BigTIFF with JPEG tiles.
    static let bigTIFF = FixtureSpec("bigtiff-jpeg.tif", width: 900, height: 600).with { $0.bigTIFF = true }
    /// JPEG tiles stored as RGB (not YCbCr).
    static let rgbJPEGasRGB = FixtureSpec("rgb-jpeg-rgb.tif", width: 600, height: 400).with { $0.jpegAsRGB = true }
    /// SubIFD (OME-TIFF style) pyramid.
    static let subIFD = FixtureSpec("rgb-subifd.tif", width: 1200, height: 800).with {
        $0.layout = .subIFDs
        $0.compression = .deflate
    }
    /// A different tile size per level.
    static let mixedTiles = FixtureSpec("rgb-mixed-tiles.tif", width: 1200, height: 900).with {
        $0.levelTileSizes = [512, 256, 128]
        $0.compression = .deflate
    }
    /// Text fields and a resolution.
    static let withMetadata = FixtureSpec("rgb-metadata.tif", width: 500, height: 300).with {
        $0.metadata.rights = "(c) Test Owner"
        $0.metadata.creator = "A. Painter"
        $0.metadata.description = "A test \"image\""
        $0.metadata.date = "2026:01:02 03:04:05"
        $0.metadata.software = "iipsrv-async tests"
        $0.metadata.title = "Fixture"
        $0.resolution = PhysicalResolution(x: 300, y: 300, unit: .inch)
        $0.compression = .deflate
    }
    /// Untiled (stripped): not servable.
    static let untiled = FixtureSpec("untiled.tif", width: 300, height: 200).with {
        $0.layout = .stripped
        $0.compression = .none
    }
    /// Cut in half: damaged.
    static let truncated = FixtureSpec("truncated.tif", width: 800, height: 600).with { $0.truncateTo = 0.5 }

    /// Images iipsrv 1.1 reads too (classic IFD pyramids, one tile size): the differential set.
    /// CIELab, 8-bit, Deflate: converted to sRGB (iipsrv-reference §6.3).
    static let cieLab = FixtureSpec("cielab-deflate.tif", width: 700, height: 500).with {
        $0.cieLab = true
        $0.compression = .deflate
    }
    static let comparable = [
        rgbJPEG, rgbDeflate512, greyLZW, rgb16, grey16, bigTIFF, rgbJPEGasRGB, withMetadata, cieLab,
    ]

    /// Writes every fixture once.
    static func prepare() throws {
        for spec in comparable + [subIFD, mixedTiles, untiled, truncated] { try Fixtures.make(spec) }
        try Fixtures.makeText("not-an-image.tif", contents: "this is not a TIFF file\n")
    }
}
