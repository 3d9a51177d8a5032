package import Logging
import Metrics
package import NIOCore
import Synchronization

/// Encoded tiles shared between server processes and machines through memcached (MEMCACHED_SERVERS), looked up
/// after the local tile cache misses and filled whenever a tile is rendered (iipsrv-reference §8.3).
///
/// Unlike iipsrv, which keys on the request string and so serves a replaced image's old tiles until they expire
/// (its issue #135), the key is a hash of the ``TileKey`` (which holds the file's modification time) and of the
/// configuration, so a changed file or setting never matches an old entry. Values carry a magic number, their
/// length and a checksum: anything else under a key is a miss. memcached calls run on threads of their own and are
/// bounded by the client's timeout; a failure is a miss, never an error. Values over `maxItemBytes` are not sent
/// (counted, logged once).
package final class SharedTileCache: Sendable {
    private let client: MemcachedClient
    private let executor: CodecExecutor
    private let fingerprint: String
    private let maxItemBytes: Int
    private let logger: Logger
    private let loggedTooLarge = Atomic<Bool>(false)
    private let hits = Counter(label: "iip_memcached_hits_total")
    private let misses = Counter(label: "iip_memcached_misses_total")
    private let stores = Counter(label: "iip_memcached_stores_total")
    private let invalid = Counter(label: "iip_memcached_invalid_total")
    private let tooLarge = Counter(label: "iip_memcached_too_large_total")
    private static let magic: [UInt8] = Array("IIA1".utf8)

    /// A cache over `client`, whose blocking calls run on `threads` threads of their own.
    ///
    /// - Parameters:
    ///   - fingerprint: Identifies the configuration, so servers configured differently never share entries.
    ///   - maxItemBytes: The largest value sent (memcached's item limit, 1 MiB by default, less room for the key).
    package init(client: MemcachedClient, threads: Int, fingerprint: String, maxItemBytes: Int, logger: Logger) {
        self.client = client
        executor = CodecExecutor(threadCount: threads)
        self.fingerprint = fingerprint
        self.maxItemBytes = maxItemBytes
        self.logger = logger
    }

    /// The memcached key for `key`: ASCII, 45 bytes.
    package func memcachedKey(_ key: TileKey) -> String {
        var hash = StableHash()
        hash.combine(fingerprint)
        hash.combine(String(reflecting: key))
        return "iipsrv-async:" + hash.hex
    }

    /// The tile stored for `key`, or `nil` (a miss, an invalid value, or memcached unavailable).
    package func tile(for key: TileKey) async -> ByteBuffer? {
        let name = memcachedKey(key)
        let value = try? await executor.run { [client] in client.get(name) }
        guard let value = value ?? nil else {
            misses.increment()
            return nil
        }
        guard let body = Self.unframed(value) else {
            invalid.increment()
            return nil
        }
        hits.increment()
        return ByteBuffer(bytes: body)
    }

    /// Sends `bytes` for `key` in the background: the caller does not wait for memcached.
    package func store(_ bytes: ByteBuffer, for key: TileKey) {
        guard bytes.readableBytes + 16 <= maxItemBytes else {
            tooLarge.increment()
            if !loggedTooLarge.exchange(true, ordering: .relaxed) {
                logger.warning(
                    "memcached: a tile is larger than the item limit and is not shared (logged once)",
                    metadata: ["bytes": "\(bytes.readableBytes)", "limit": "\(maxItemBytes)"])
            }
            return
        }
        let name = memcachedKey(key)
        let value = Self.framed(Array(buffer: bytes))
        Task { [executor, client, stores] in
            if (try? await executor.run({ client.set(name, value) })) == true { stores.increment() }
        }
    }

    /// Stops the memcached threads.
    package func shutdown() async {
        await executor.shutdown()
    }

    // MARK: - Framing

    package static func framed(_ body: [UInt8]) -> [UInt8] {
        var output = magic
        output.reserveCapacity(body.count + 16)
        let length = UInt32(truncatingIfNeeded: body.count)
        output += (0..<4).map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        let sum = checksum(body)
        output += (0..<8).map { UInt8(truncatingIfNeeded: sum >> ($0 * 8)) }
        output += body
        return output
    }

    package static func unframed(_ value: [UInt8]) -> [UInt8]? {
        guard value.count >= 16, value[0..<4].elementsEqual(magic) else { return nil }
        let length = (0..<4).reduce(0) { $0 | Int(value[4 + $1]) << ($1 * 8) }
        guard length == value.count - 16 else { return nil }
        let sum = (0..<8).reduce(UInt64(0)) { $0 | UInt64(value[8 + $1]) << ($1 * 8) }
        let body = Array(value[16...])
        return checksum(body) == sum ? body : nil
    }

    /// FNV-1a over the body, 64 bits: catches truncated or foreign values, not tampering.
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
