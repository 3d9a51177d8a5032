import Foundation

/// A tiny little-endian classic TIFF writer, byte by byte, for headers libtiff refuses to write: zero or
/// enormous sizes, absurd sample counts, directory chains that loop.
///
/// Every directory's tiles share one data block, so a header can claim millions of tiles while the file stays
/// a few kilobytes; tile arrays longer than ``maxTileEntries`` are written with a single entry.
public struct HandmadeTIFF {
    /// The value of one IFD entry.
    public enum Value {
        /// SHORT values.
        case short([UInt16])
        /// LONG values.
        case long([UInt32])
        /// LONG file offsets of this directory's tile data block, `count` times.
        case tileOffsets(count: Int)
        /// LONG file offsets of other directories, by index (SubIFDs).
        case directories([Int])
    }

    /// Where a directory's next-IFD field points.
    public enum Next {
        /// The directory after it in ``directories`` (0 after the last).
        case following
        /// 0: the end of the chain.
        case end
        /// The directory with this index (a loop when it comes earlier).
        case directory(Int)
    }

    /// One image file directory.
    public struct Directory {
        /// Tag and value, in any order (they are sorted when written).
        public var entries: [(tag: UInt16, value: Value)]
        /// The block every tile offset points to.
        public var tileData: [UInt8] = []
        /// Where the next-IFD field points.
        public var next: Next = .following

        /// A directory with these entries, tile data and next pointer.
        public init(entries: [(tag: UInt16, value: Value)], tileData: [UInt8] = [], next: Next = .following) {
            self.entries = entries
            self.tileData = tileData
            self.next = next
        }
    }

    /// A file of these directories; the first is IFD 0.
    public init(directories: [Directory]) {
        self.directories = directories
    }

    /// The longest TileOffsets and TileByteCounts arrays written; longer ones get one entry.
    public static let maxTileEntries = 4096
    /// The size of the shared tile block: enough for a few small tiles, never a huge one.
    public static let maxTileData = 64 << 10

    /// The directories; the first is IFD 0.
    public var directories: [Directory]

    /// A tiled, uncompressed directory whose header says exactly these values.
    ///
    /// TileOffsets and TileByteCounts have one entry per tile when the claimed tile count is at most
    /// ``maxTileEntries`` (times the samples for planar-separate data), else one; the data block holds one tile,
    /// at most ``maxTileData`` bytes, filled with a gradient.
    public static func tiled(
        width: UInt32, height: UInt32, tileWidth: UInt32, tileHeight: UInt32, bitsPerSample: UInt16 = 8,
        samplesPerPixel: UInt16 = 1, photometric: UInt16? = nil, planar: UInt16 = 1, subfileType: UInt32? = nil,
        sampleFormat: UInt16? = nil
    ) -> Directory {
        // Claimed counts in Double: exact enough to compare, and they cannot overflow.
        let across = tileWidth == 0 ? 1 : (Double(width) / Double(tileWidth)).rounded(.up)
        let down = tileHeight == 0 ? 1 : (Double(height) / Double(tileHeight)).rounded(.up)
        let tiles = across * down * (planar == 2 ? Double(samplesPerPixel) : 1)
        let entryCount = tiles >= 1 && tiles <= Double(maxTileEntries) ? Int(tiles) : 1
        let samples = planar == 2 ? 1 : Double(samplesPerPixel)
        let claimed = (Double(tileWidth) * Double(tileHeight) * samples * Double(bitsPerSample) / 8).rounded(.up)
        let tileBytes = Int(min(claimed, Double(maxTileData)))
        var entries: [(tag: UInt16, value: Value)] = [
            (256, .long([width])), (257, .long([height])),
            (258, .short(Array(repeating: bitsPerSample, count: max(Int(samplesPerPixel), 1)))),
            (259, .short([1])), (262, .short([photometric ?? (samplesPerPixel >= 3 ? 2 : 1)])),
            (277, .short([samplesPerPixel])), (284, .short([planar])), (322, .long([tileWidth])),
            (323, .long([tileHeight])), (324, .tileOffsets(count: entryCount)),
            (325, .long(Array(repeating: UInt32(tileBytes), count: entryCount))),
        ]
        if let subfileType { entries.append((254, .long([subfileType]))) }
        if let sampleFormat { entries.append((339, .short([sampleFormat]))) }
        let data = (0..<Int(tileBytes)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        return Directory(entries: entries, tileData: data)
    }

    /// The file: header, then each directory's tile data, long values and entries.
    public func bytes() -> [UInt8] {
        // First pass: where each directory's parts go.
        var offset = 8
        var dataOffsets: [Int] = []
        var ifdOffsets: [Int] = []
        for directory in directories {
            dataOffsets.append(offset)
            offset += directory.tileData.count
            offset += offset % 2
            for entry in directory.entries where Self.byteCount(entry.value) > 4 {
                offset += Self.byteCount(entry.value)
            }
            ifdOffsets.append(offset)
            offset += 2 + 12 * directory.entries.count + 4
        }

        var output: [UInt8] = [0x49, 0x49, 0x2A, 0x00]
        Self.append(UInt32(ifdOffsets.first ?? 0), to: &output)
        for (index, directory) in directories.enumerated() {
            output += directory.tileData
            if output.count % 2 == 1 { output.append(0) }
            let entries = directory.entries.sorted { $0.tag < $1.tag }
            var fields: [(tag: UInt16, type: UInt16, count: Int, inline: [UInt8])] = []
            for entry in entries {
                let (type, values) = Self.encode(entry.value, dataOffset: dataOffsets[index], ifdOffsets: ifdOffsets)
                let count = Self.count(entry.value)
                if values.count > 4 {
                    var pointer: [UInt8] = []
                    Self.append(UInt32(output.count), to: &pointer)
                    output += values
                    fields.append((entry.tag, type, count, pointer))
                } else {
                    fields.append((entry.tag, type, count, values + Array(repeating: 0, count: 4 - values.count)))
                }
            }
            precondition(output.count == ifdOffsets[index], "layout mismatch")
            Self.append(UInt16(fields.count), to: &output)
            for field in fields {
                Self.append(field.tag, to: &output)
                Self.append(field.type, to: &output)
                Self.append(UInt32(field.count), to: &output)
                output += field.inline
            }
            let next: Int =
                switch directory.next {
                case .following: index + 1 < directories.count ? ifdOffsets[index + 1] : 0
                case .end: 0
                case .directory(let target): ifdOffsets[target]
                }
            Self.append(UInt32(next), to: &output)
        }
        return output
    }

    /// Writes the file to a fresh path in the fixtures folder and returns that path.
    public func write(_ name: String, in folder: String) throws -> String {
        let path = folder + "/" + name
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static func count(_ value: Value) -> Int {
        switch value {
        case .short(let values): values.count
        case .long(let values): values.count
        case .tileOffsets(let count): count
        case .directories(let targets): targets.count
        }
    }

    private static func byteCount(_ value: Value) -> Int {
        switch value {
        case .short(let values): values.count * 2
        default: count(value) * 4
        }
    }

    private static func encode(_ value: Value, dataOffset: Int, ifdOffsets: [Int]) -> (type: UInt16, bytes: [UInt8]) {
        var bytes: [UInt8] = []
        switch value {
        case .short(let values):
            for value in values { append(value, to: &bytes) }
            return (3, bytes)
        case .long(let values):
            for value in values { append(value, to: &bytes) }
        case .tileOffsets(let count):
            for _ in 0..<count { append(UInt32(dataOffset), to: &bytes) }
        case .directories(let targets):
            for target in targets { append(UInt32(ifdOffsets[target]), to: &bytes) }
        }
        return (4, bytes)
    }

    private static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}
