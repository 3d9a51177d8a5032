public import IIPImaging
import IIPModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens each input as an image file with the server's own readers and decodes a few tiles.
///
/// The readers open files by path (libtiff, OpenJPEG and libjpeg all read through a file here), so each input is
/// written to a file in `/dev/shm` (memory, not disk) first. The file name holds the process id, so that parallel
/// fuzzing jobs do not share one.
public struct ImageFileFuzzer: Sendable {
    /// Where inputs are written.
    public let path: String
    /// The server's opener, with ``limits``.
    public let opener: ImageSourceOpener

    /// The server's default limits, with the largest tile and processing buffer lowered so that everything the
    /// limits allow stays within libFuzzer's 2 GB `-rss_limit_mb` (an allocation past it is reported as a crash),
    /// and the JPEG 2000 codestream tiles lowered from 16,384 to 1,024.
    ///
    /// A decode walks every codestream tile under its area, and OpenJPEG spends some 10 microseconds on each even
    /// when it holds no data (a 16x64125 codestream in 16,032 tiles of 8x8, 1 MB: 0.17 s of CPU for the whole
    /// image with `opj_decompress`, ten times that under AddressSanitizer). The server's bound keeps that cost
    /// bounded (MAX_JPEG2000_TILES), but at 2 s an input the fuzzer would spend its time walking empty tiles and
    /// report them as timeouts rather than explore; 1,024 tiles keep the walk under 0.2 s with AddressSanitizer.
    public static let limits = ImageLimits(
        maxTileBytes: 64 << 20, maxBufferBytes: 512 << 20, maxCodestreamTiles: 1024)

    /// A fuzzer writing to a file named after `name`.
    public init(name: String) {
        path = "/dev/shm/iipsrv-async-fuzz-\(getpid())-\(name)"
        opener = ImageSourceOpener(limits: Self.limits)
    }

    /// Writes `input` to the file, opens it, checks the description and decodes the first tile of the smallest
    /// and of the largest level (errors are expected: only crashes, hangs and memory errors are findings).
    public func run(_ input: FuzzInput) {
        store(input.bytes)
        guard let source = try? opener.open(path: path) else { return }
        let levels = source.description.levels
        precondition(!levels.isEmpty, "an opened image has at least one level")
        for level in levels {
            precondition(level.width > 0 && level.height > 0 && level.tileWidth > 0 && level.tileHeight > 0)
            precondition(level.width <= Self.limits.maxImageSide && level.height <= Self.limits.maxImageSide)
        }
        for resolution in Set([0, levels.count - 1]) {
            _ = try? source.readTile(resolution: resolution, tile: 0)
        }
        _ = try? source.storedTile(resolution: levels.count - 1, tile: 0, format: .jpeg)
    }

    private func store(_ bytes: [UInt8]) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot create \(path)")
        defer { close(descriptor) }
        var written = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                precondition(count > 0, "cannot write \(path)")
                written += count
            }
        }
    }
}
