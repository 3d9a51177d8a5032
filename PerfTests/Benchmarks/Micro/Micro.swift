import Benchmark
import Foundation
import IIPImaging
import IIPModel
import IIPPipeline
import IIPProtocol
import NIOCore

/// Micro benchmarks of the hot paths: parsing, a cache hit, pass-through, decoding, encoding, resizing and a region
/// export.
///
/// Thresholds for `swift package benchmark baseline check main`: time may drift 25% at the median (shared CI
/// machines are noisy), allocations per iteration must not grow beyond a small absolute tolerance. CPU time is not
/// measured: process CPU time on Linux advances in 10 ms ticks, far coarser than one iteration.
let benchmarks: @Sendable () -> Void = {
    let timing = BenchmarkThresholds(relative: [.p50: 25.0])
    let allocations = BenchmarkThresholds(absolute: [.p50: 2, .p90: 4])
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(3),
        thresholds: [.wallClock: timing, .mallocCountTotal: allocations])

    Benchmark("Parse IIP tile request", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let parser = IIPRequestParser()
        for _ in benchmark.scaledIterations {
            blackHole(parser.parse("FIF=images/museum/painting-0042.tif&JTL=5,1234"))
        }
    }

    Benchmark("Tile cache hit", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let cache = TileCache(budgetBytes: 10_240_000)
        let key = TileKey(imagePath: "painting.tif", modified: 1, resolution: 5, tile: 1234, format: .jpeg, quality: 75)
        _ = try await cache.tile(for: key) { ByteBuffer(repeating: 7, count: 20_000) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await cache.tile(for: key) { ByteBuffer() })
        }
    }

    Benchmark("Pass-through stored JPEG tile 256") { benchmark in
        let image = try PyramidTIFF(path: Fixture.jpegPyramid)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            blackHole(try image.storedJPEGTile(resolution: 3, tile: index % 12))
        }
    }

    Benchmark("Pass-through edge tile, lossless crop") { benchmark in
        let image = try PyramidTIFF(path: Fixture.edgePyramid)
        // 1000x700 at full resolution: tile 3 is 232 px wide, the bottom row 188 px high.
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            blackHole(try image.storedJPEGTile(resolution: 2, tile: [3, 11, 8][index % 3]))
        }
    }

    Benchmark("Decode JPEG-in-TIFF tile 256") { benchmark in
        let image = try PyramidTIFF(path: Fixture.jpegPyramid)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            blackHole(try image.readTile(resolution: 3, tile: index % 12))
        }
    }

    Benchmark("Encode JPEG 256x256 RGB q75") { benchmark in
        let pixels = Fixture.tilePixels
        let encoder = JPEGEncoder(quality: 75)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encode(pixels))
        }
    }

    // Every output format on the same 256x256 RGB tiles, at the server's default settings and lossless where the
    // format has it (issue 11: the README's encode cost per tile): a photograph-like tile and a tile of fine
    // texture, which costs the codecs the most.
    let tileEncoders: [(String, any ImageEncoder)] = [
        ("JPEG q75", JPEGEncoder(quality: 75)),
        ("PNG level 1", PNGEncoder(compressionLevel: 1)),
        ("WebP q50", WebPEncoder(quality: 50)),
        ("WebP lossless", WebPEncoder(quality: -1)),
        ("AVIF q50 aom", AVIFEncoder(quality: 50, codec: .aom)),
        ("AVIF q50 rav1e", AVIFEncoder(quality: 50, codec: .rav1e)),
        ("AVIF q50 svt", AVIFEncoder(quality: 50, codec: .svt)),
        ("AVIF lossless", AVIFEncoder(quality: -1)),
        ("JPEG XL q75", JXLEncoder(quality: 75)),
        ("JPEG XL lossless", JXLEncoder(quality: -1)),
    ]
    for (tile, pixels) in [("photo", Fixture.photoTile), ("texture", Fixture.tilePixels)] {
        for (name, encoder) in tileEncoders {
            Benchmark("Encode \(tile) tile 256x256 RGB: \(name)") { benchmark in
                blackHole(try encoder.encode(pixels, metadata: EncodingMetadata()))
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(try encoder.encode(pixels, metadata: EncodingMetadata()))
                }
            }
        }
    }

    Benchmark("Resize bilinear 1024x768 to 500x375") { benchmark in
        let pixels = Fixture.regionPixels
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(Resampler.resize(pixels, width: 500, height: 375, method: .bilinear))
        }
    }

    Benchmark("Region export CVT 40% to 800 px") { benchmark in
        _ = Fixture.jpegPyramid
        var configuration = ServerConfiguration(cores: 2)
        configuration.filesystemPrefix = Fixture.folder + "/"
        configuration.maxImageCacheSize = 0
        let pipeline = Pipeline(configuration: configuration, logger: .init(label: "bench"))
        let request = ServerRequest(query: "FIF=bench-jpeg.tif&WID=800&RGN=0.3,0.2,0.4,0.4&CVT=jpeg")
        _ = await pipeline.respond(to: request)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(await pipeline.respond(to: request))
        }
    }
}

/// Inputs generated once per run with the real C libraries.
enum Fixture {
    static let folder: String = {
        let path = NSTemporaryDirectory() + "iipsrv-async-bench"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// A 2048x1536 RGB pyramid with JPEG tiles of 256 (4 levels).
    static let jpegPyramid: String = {
        let path = folder + "/bench-jpeg.tif"
        if !FileManager.default.fileExists(atPath: path) {
            var writer = PyramidTIFFWriter()
            writer.compression = .jpeg(quality: 90)
            try? writer.write(gradient(width: 2048, height: 1536), to: path)
        }
        return path
    }()

    /// A 1000x700 RGB pyramid with JPEG tiles of 256: every right and bottom tile is an edge tile.
    static let edgePyramid: String = {
        let path = folder + "/bench-edge.tif"
        if !FileManager.default.fileExists(atPath: path) {
            var writer = PyramidTIFFWriter()
            writer.compression = .jpeg(quality: 90)
            try? writer.write(gradient(width: 1000, height: 700), to: path)
        }
        return path
    }()

    static let tilePixels = gradient(width: 256, height: 256)

    /// A 256x256 RGB tile with the mix of a photograph of an object: smooth shading, a few hard-edged shapes and
    /// fine grain (a fixed seed), so that the codecs work as they do on real tiles (the gradient above is mostly
    /// high-frequency XOR texture).
    static let photoTile: PixelBuffer = {
        var pixels = PixelBuffer(width: 256, height: 256, channels: 3)
        var state: UInt64 = 0x5EED
        func grain() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 56) / 255 - 0.5
        }
        let shapes = [
            (30, 40, 90, 60, [0.8, 0.2, 0.1]), (150, 120, 70, 110, [0.1, 0.3, 0.7]),
            (60, 170, 120, 40, [0.9, 0.85, 0.6]),
        ]
        for y in 0..<256 {
            for x in 0..<256 {
                let (fx, fy) = (Double(x) / 255, Double(y) / 255)
                var value = [
                    0.5 + 0.35 * sin(fx * 6 + 1) * cos(fy * 4), 0.3 + 0.5 * fx * fy,
                    0.6 - 0.4 * fy + 0.1 * sin(fx * 20),
                ]
                for (left, top, width, height, colour) in shapes
                where x >= left && x < left + width && y >= top && y < top + height {
                    value = colour
                }
                for channel in 0..<3 {
                    let sample = (value[channel] + 0.04 * grain()) * 255
                    pixels.bytes[(y * 256 + x) * 3 + channel] = UInt8(min(max(sample.rounded(), 0), 255))
                }
            }
        }
        return pixels
    }()
    static let regionPixels = gradient(width: 1024, height: 768)

    static func gradient(width: Int, height: Int) -> PixelBuffer {
        var pixels = PixelBuffer(width: width, height: height, channels: 3)
        for y in 0..<height {
            for x in 0..<width {
                let offset = (y * width + x) * 3
                pixels.bytes[offset] = UInt8((x * 7 + y) & 0xFF)
                pixels.bytes[offset + 1] = UInt8((x ^ y) & 0xFF)
                pixels.bytes[offset + 2] = UInt8((x * y / 64) & 0xFF)
            }
        }
        return pixels
    }
}
