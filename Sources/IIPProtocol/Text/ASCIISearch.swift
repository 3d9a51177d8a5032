/// Finds ASCII needles in text byte by byte. `firstRange(of:)` from the standard library goes through
/// `_StringProcessing`'s generic searcher, which looks up type metadata on every call: on the tile path that was a
/// quarter of the server's CPU time.
package enum ASCIISearch {
    /// The first occurrence of `needle` (ASCII) in `text`, as indices of `text`.
    package static func firstRange(of needle: StaticString, in text: some StringProtocol) -> Range<String.Index>? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = pattern.first else { return nil }
        let utf8 = text.utf8
        let found: Int?? = utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard bytes.count >= pattern.count else { return nil }
            var offset = 0
            let last = bytes.count - pattern.count
            while offset <= last {
                if bytes[offset] == first {
                    var matched = 1
                    while matched < pattern.count, bytes[offset + matched] == pattern[matched] { matched += 1 }
                    if matched == pattern.count { return offset }
                }
                offset += 1
            }
            return nil
        }
        let offset: Int
        if let found {
            guard let found else { return nil }
            offset = found
        } else {
            // Not contiguous (bridged or lazily decoded text): walk the view.
            guard let slow = slowOffset(of: pattern, in: utf8) else { return nil }
            offset = slow
        }
        let lower = utf8.index(utf8.startIndex, offsetBy: offset)
        return lower..<utf8.index(lower, offsetBy: pattern.count)
    }

    /// The last occurrence of `needle` (ASCII) in `text`, as indices of `text`.
    package static func lastRange(of needle: StaticString, in text: some StringProtocol) -> Range<String.Index>? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        let bytes = Array(text.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        var offset = bytes.count - pattern.count
        while offset >= 0 {
            if bytes[offset..<offset + pattern.count].elementsEqual(pattern) {
                let utf8 = text.utf8
                let lower = utf8.index(utf8.startIndex, offsetBy: offset)
                return lower..<utf8.index(lower, offsetBy: pattern.count)
            }
            offset -= 1
        }
        return nil
    }

    /// Whether `text` contains `needle` (ASCII).
    package static func contains(_ needle: StaticString, in text: some StringProtocol) -> Bool {
        firstRange(of: needle, in: text) != nil
    }

    private static func slowOffset(of pattern: UnsafeBufferPointer<UInt8>, in utf8: some Collection<UInt8>) -> Int? {
        let bytes = Array(utf8)
        guard bytes.count >= pattern.count else { return nil }
        for offset in 0...(bytes.count - pattern.count)
        where bytes[offset..<offset + pattern.count].elementsEqual(pattern) {
            return offset
        }
        return nil
    }
}
