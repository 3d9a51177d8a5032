package import Logging
import Metrics
import NIOConcurrencyHelpers
package import NIOCore
import Synchronization

/// Encoded tiles shared between server processes and machines through memcached (MEMCACHED_SERVERS), looked up
/// after the local tile cache misses and filled whenever a tile is rendered (iipsrv-reference §8.3).
///
/// Unlike iipsrv, which keys on the request string and so serves a replaced image's old tiles until they expire
/// (its issue #135), the key is a hash of the ``TileKey`` (which holds the file's modification time) and of the
/// configuration, so a changed file or setting never matches an old entry. Values carry a magic number, their
/// length and a checksum: anything else under a key is a miss.
///
/// memcached can never fail or hold up a request: calls run on threads of their own; a request waits for a lookup
/// at most `timeout` (queueing included) and then renders the tile itself; a server that fails is marked down at
/// once for every request (``MemcachedHealth``), its keys go to the others, and a background task probes it every
/// `retryInterval` until it answers again. Stores are sent in the background, a bounded number at a time; values
/// over `maxItemBytes` are not sent (counted, logged once).
package final class SharedTileCache: Sendable {
    private let client: MemcachedClient
    private let executor: CodecExecutor
    private let fingerprint: String
    private let maxItemBytes: Int
    private let timeout: Duration
    private let retryInterval: Duration
    private let maxPendingStores: Int
    private let logger: Logger
    private let loggedTooLarge = Atomic<Bool>(false)
    private let pendingStores = Atomic<Int>(0)
    private let prober = NIOLockedValueBox<Task<Void, Never>?>(nil)
    /// What the cache has done.
    package let statistics = SharedCacheStatistics()
    /// Which memcached servers are answering.
    package var health: MemcachedHealth { client.health }
    private static let magic: [UInt8] = Array("IIA1".utf8)

    /// A cache over `client`, whose blocking calls run on `threads` threads of their own.
    ///
    /// - Parameters:
    ///   - fingerprint: Identifies the configuration, so servers configured differently never share entries.
    ///   - timeout: The longest a request waits for a lookup (MEMCACHED_IO_TIMEOUT).
    ///   - retryInterval: How often a server marked down is probed (MEMCACHED_RETRY_INTERVAL).
    ///   - maxItemBytes: The largest value sent (memcached's item limit, 1 MiB by default, less room for the key).
    package init(
        client: MemcachedClient, threads: Int, fingerprint: String, timeout: Duration, retryInterval: Duration,
        maxItemBytes: Int, logger: Logger
    ) {
        self.client = client
        executor = CodecExecutor(threadCount: threads, reportsMetrics: false)
        self.fingerprint = fingerprint
        self.timeout = timeout
        self.retryInterval = retryInterval
        self.maxItemBytes = maxItemBytes
        maxPendingStores = 4 * max(threads, 1)
        self.logger = logger
    }

    /// The memcached key for `key`: ASCII, 45 bytes.
    package func memcachedKey(_ key: TileKey) -> String {
        var hash = StableHash()
        hash.combine(fingerprint)
        hash.combine(String(reflecting: key))
        return "iipsrv-async:" + hash.hex
    }

    /// The tile stored for `key`, or `nil` (a miss, an invalid value, memcached unavailable or slower than the
    /// timeout).
    package func tile(for key: TileKey) async -> ByteBuffer? {
        if client.health.allDown {
            statistics.record(.skipped)
            return nil
        }
        let name = memcachedKey(key)
        let clock = ContinuousClock()
        let started = clock.now
        // A failure is handled when the call ends, even after the request stopped waiting for it.
        let reply = await BoundedWait.result(within: timeout) { [self] in
            let reply = (try? await executor.run { [client] in client.get(name) }) ?? .skipped
            if case .failed(let server, let newlyDown) = reply { failed(server: server, newlyDown: newlyDown) }
            return reply
        }
        statistics.recordWait(clock.now - started)
        switch reply {
        case nil:
            statistics.record(.abandoned)
            return nil
        case .value(let value)?:
            guard let body = Self.unframed(value) else {
                statistics.record(.invalid)
                return nil
            }
            statistics.record(.hit)
            return ByteBuffer(bytes: body)
        case .miss?:
            statistics.record(.miss)
        case .skipped?:
            statistics.record(.skipped)
        case .failed?:
            break
        }
        return nil
    }

    /// Sends `bytes` for `key` in the background: the caller does not wait for memcached.
    package func store(_ bytes: ByteBuffer, for key: TileKey) {
        guard bytes.readableBytes + 16 <= maxItemBytes else {
            tooLarge(bytes.readableBytes)
            return
        }
        if client.health.allDown {
            statistics.record(.skipped)
            return
        }
        guard pendingStores.wrappingAdd(1, ordering: .relaxed).newValue <= maxPendingStores else {
            pendingStores.wrappingSubtract(1, ordering: .relaxed)
            statistics.record(.dropped)
            return
        }
        let name = memcachedKey(key)
        let value = Self.framed(Array(buffer: bytes))
        Task { [executor, client] in
            let result = (try? await executor.run { client.set(name, value) }) ?? .skipped
            pendingStores.wrappingSubtract(1, ordering: .relaxed)
            switch result {
            case .stored: statistics.record(.stored)
            case .skipped: statistics.record(.skipped)
            case .refused: tooLarge(bytes.readableBytes)
            case .failed(let server, let newlyDown): failed(server: server, newlyDown: newlyDown)
            }
        }
    }

    /// Stops the probe and the memcached threads.
    package func shutdown() async {
        prober.withLockedValue { $0.take() }?.cancel()
        await executor.shutdown()
    }

    private func tooLarge(_ bytes: Int) {
        statistics.record(.tooLarge)
        if !loggedTooLarge.exchange(true, ordering: .relaxed) {
            logger.warning(
                "memcached: a tile is larger than the item limit and is not shared (logged once)",
                metadata: ["bytes": "\(bytes)", "limit": "\(maxItemBytes)"])
        }
    }

    private func failed(server: Int, newlyDown: Bool) {
        statistics.record(.failed)
        guard newlyDown else { return }
        logger.warning(
            "memcached: a server failed; its keys go to the others until it answers again",
            metadata: ["server": "\(client.servers[server])", "probe_every_s": "\(retryInterval.components.seconds)"])
        startProbing()
    }

    /// Probes the servers marked down every `retryInterval`, marking up those that answer, until none is down.
    private func startProbing() {
        prober.withLockedValue { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                while let self, !Task.isCancelled {
                    try? await Task.sleep(for: self.retryInterval)
                    if await self.probeDownServers() { break }
                }
            }
        }
    }

    /// Probes every server marked down once; `true` when none is down afterwards (and the probe task is done).
    private func probeDownServers() async -> Bool {
        for server in client.health.downServers {
            let answers = (try? await executor.run { [client] in client.probe(server) }) ?? false
            if answers, client.health.markUp(server) {
                logger.notice("memcached: a server answers again", metadata: ["server": "\(client.servers[server])"])
            }
        }
        return prober.withLockedValue { task in
            guard client.health.downServers.isEmpty else { return false }
            task = nil
            return true
        }
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
