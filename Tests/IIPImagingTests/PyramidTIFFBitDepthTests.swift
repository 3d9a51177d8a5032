import Foundation
import IIPModel
import IIPTestSupport
import Testing

@testable import IIPImaging

/// 2, 4, 6, 10, 12 and 14-bit TIFFs, written packed by libtiff, read widened by bit replication to 8 or 16 bits
/// as iipsrv master reads them (iipsrv-reference §6.1, §7.1).
@Suite struct PyramidTIFFBitDepthTests {
    @Test(arguments: [2, 4, 6, 10, 12, 14], [1, 3])
    func packedSamplesAreWidenedByReplication(bits: Int, channels: Int) throws {
        let stored = bits > 8 ? 16 : 8
        var picture = TestPattern.render(width: 300, height: 200, channels: channels, bits: stored, seed: 11)
        // Values below 2^bits, as a packed file holds them.
        if stored == 8 {
            picture.bytes = picture.bytes.map { $0 >> UInt8(8 - bits) }
        } else {
            var samples = picture.bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
            samples = samples.map { $0 >> UInt16(16 - bits) }
            picture.bytes = samples.withUnsafeBytes { Array($0) }
        }
        var writer = PyramidTIFFWriter()
        writer.packedBits = bits
        writer.compression = .deflate
        let path = Fixtures.path("packed-\(bits)-\(channels).tif")
        try writer.write(picture, to: path)

        let source = try PyramidTIFF(path: path)
        #expect(source.description.bitsPerSample == bits)
        #expect(source.description.maxValues.allSatisfy { $0 == Double((1 << stored) - 1) })
        let full = source.description.levels.count - 1
        for tile in [0, 1] {
            let rect = try #require(source.description.levels[full].tileRect(tile))
            let decoded = try source.readTile(resolution: full, tile: tile)
            #expect(decoded.bitsPerSample == stored && decoded.width == rect.width && decoded.channels == channels)
            let expected = picture.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
            let want: [Int] =
                stored == 8
                ? expected.bytes.map { PyramidTIFF.widen(Int($0), bits: bits) }
                : expected.bytes.withUnsafeBytes {
                    $0.bindMemory(to: UInt16.self).map { PyramidTIFF.widen(Int($0), bits: bits) }
                }
            let got: [Int] =
                stored == 8
                ? decoded.bytes.map(Int.init)
                : decoded.bytes.withUnsafeBytes { $0.bindMemory(to: UInt16.self).map(Int.init) }
            let equal = got == want
            #expect(equal, "\(bits)-bit, \(channels) channels, tile \(tile)")
        }
    }

    @Test func replicationKeepsTheEnds() {
        #expect(PyramidTIFF.widen(0, bits: 12) == 0)
        #expect(PyramidTIFF.widen(4095, bits: 12) == 65535)
        #expect(PyramidTIFF.widen(0x800, bits: 12) == 0x8008)
        #expect(PyramidTIFF.widen(3, bits: 2) == 255)
        #expect(PyramidTIFF.widen(1, bits: 2) == 0x55)
        #expect(PyramidTIFF.widen(63, bits: 6) == 255)
        #expect(PyramidTIFF.widen(0x2AB, bits: 10) == (0x2AB << 6 | 0x2AB >> 4))
    }
}
