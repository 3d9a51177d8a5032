/// The marker segments of a JPEG file before its first scan, for tests that check what metadata an answer carries.
public struct JPEGMarkerSegments: Sendable {
    /// Each segment's marker (the byte after 0xFF) and payload (without the length).
    public let segments: [(marker: UInt8, payload: [UInt8])]

    /// Reads `jpeg`'s segments up to the first SOS.
    public init(_ jpeg: [UInt8]) {
        var segments: [(marker: UInt8, payload: [UInt8])] = []
        var offset = 2
        while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF, jpeg[offset + 1] != 0xDA {
            let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
            guard length >= 2, offset + 2 + length <= jpeg.count else { break }
            segments.append((jpeg[offset + 1], Array(jpeg[(offset + 4)..<(offset + 2 + length)])))
            offset += 2 + length
        }
        self.segments = segments
    }

    /// The markers in order.
    public var markers: [UInt8] { segments.map(\.marker) }

    /// The ICC profile, its APP2 chunks joined, or `nil`.
    public var iccProfile: [UInt8]? {
        let identifier = Array("ICC_PROFILE".utf8) + [0]
        let chunks = segments.filter { $0.marker == 0xE2 && $0.payload.starts(with: identifier) }
        guard !chunks.isEmpty else { return nil }
        return chunks.flatMap { $0.payload.dropFirst(identifier.count + 2) }
    }

    /// The XMP packet of the APP1 XMP segment, or `nil`.
    public var xmpPacket: String? {
        let identifier = Array("http://ns.adobe.com/xap/1.0/".utf8) + [0]
        guard let segment = segments.first(where: { $0.marker == 0xE1 && $0.payload.starts(with: identifier) })
        else { return nil }
        return String(decoding: segment.payload.dropFirst(identifier.count), as: UTF8.self)
    }

    /// `jpeg` without its APP1, APP2 and COM segments.
    public static func removingMetadata(_ jpeg: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0xFF, 0xD8]
        var offset = 2
        while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF, jpeg[offset + 1] != 0xDA {
            let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
            guard length >= 2, offset + 2 + length <= jpeg.count else { break }
            if ![0xE1, 0xE2, 0xFE].contains(jpeg[offset + 1]) { output += jpeg[offset..<(offset + 2 + length)] }
            offset += 2 + length
        }
        output += jpeg[offset...]
        return output
    }
}
