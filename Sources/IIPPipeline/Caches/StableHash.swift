/// A 128-bit hash that is the same in every process and on every machine (Swift's `Hasher` is seeded per
/// process), for values that leave the process: entity tags and shared-cache keys.
///
/// Two FNV-1a 64-bit hashes with different offset bases, each finished with a 64-bit mixer. Not cryptographic:
/// inputs come from this server, and a collision costs at most a needless miss or a stale answer for one request
/// between two files with the same identity, time and request.
package struct StableHash: Sendable {
    private var low: UInt64 = 0xcbf2_9ce4_8422_2325
    private var high: UInt64 = 0x6c62_272e_07bb_0142

    /// An empty hash.
    package init() {}

    /// Adds `bytes`.
    package mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            low = (low ^ UInt64(byte)) &* 0x100_0000_01b3
            high = (high ^ UInt64(byte)) &* 0x100_0000_01b3
        }
    }

    /// Adds `text` and a separator, so that ("ab", "c") and ("a", "bc") differ.
    package mutating func combine(_ text: String) {
        combine(text.utf8)
        combine(CollectionOfOne(0xFF))
    }

    /// Adds an integer, little-endian.
    package mutating func combine(_ value: UInt64) {
        combine((0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) })
    }

    /// The 32 lower-case hexadecimal digits of the hash.
    package var hex: String {
        func mix(_ value: UInt64) -> UInt64 {
            var x = value
            x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
            x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
            return x ^ (x >> 31)
        }
        return [mix(high), mix(low)].map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
