import Foundation
public import IIPImaging

/// Image sequences and stacks for the server tests: sequences as one pyramid TIFF per view named
/// `<name>_pyr_<hhh>_<vvv>.tif` (iipsrv's default FILENAME_PATTERN, iipsrv-reference §7.5), stacks as one
/// multi-page TIFF (§7.1). Every view is a different picture.
public enum SequenceFixtures {
    /// The views of the test sequence: horizontal angles 0, 10 and 20 at 90 degrees, and 0 at 0 degrees.
    public static let views: [(horizontal: Int, vertical: Int)] = [(0, 90), (10, 90), (20, 90), (0, 0)]

    /// The file name of one view.
    public static func fileName(_ name: String, horizontal: Int, vertical: Int) -> String {
        name + "_pyr_" + String(format: "%03d_%03d", horizontal, vertical) + ".tif"
    }

    /// Writes a sequence of `width` x `height` views (JPEG tiles, an IFD pyramid), once per process.
    public static func makeSequence(_ name: String, width: Int, height: Int) throws {
        for view in views {
            try Fixtures.make(
                FixtureSpec(
                    fileName(name, horizontal: view.horizontal, vertical: view.vertical), width: width,
                    height: height))
        }
    }

    /// The picture of one page of a stack made by ``makeStack(_:width:height:pages:subIFDs:)``.
    public static func stackPage(_ name: String, page: Int, width: Int, height: Int) -> PixelBuffer {
        TestPattern.render(
            width: width, height: height, channels: 3, seed: Fixtures.seed(for: name) &+ UInt64(page * 7919))
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var written: Set<String> = []

    /// Writes a Deflate stack of `pages` pages named `layer-0`, `layer-1` ... with scales 1, 2 ..., once per process.
    public static func makeStack(_ name: String, width: Int, height: Int, pages: Int, subIFDs: Bool) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !written.contains(name) else { return }
        var writer = PyramidTIFFWriter()
        writer.compression = .deflate
        writer.layout = subIFDs ? .subIFDs : .ifds
        let stack = (0..<pages).map {
            PyramidTIFFWriter.StackPage(
                pixels: stackPage(name, page: $0, width: width, height: height), name: "layer-\($0)",
                scale: Double($0 + 1))
        }
        let path = Fixtures.path(name)
        try writer.writeStack(stack, to: path + ".partial")
        guard rename(path + ".partial", path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        written.insert(name)
    }
}
