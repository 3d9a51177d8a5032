import CMemcached

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pool of libmemcached clients for several servers (iipsrv-reference §8.3). Every call blocks on the network:
/// call it from a thread of its own executor, never from Swift's cooperative pool.
///
/// The clients use the binary protocol, TCP_NODELAY and non-blocking sockets, as iipsrv's do, and consistent
/// (ketama) hashing, so adding or removing a server moves only that server's share of the keys. Every network wait
/// is bounded by `timeoutMilliseconds`. A server whose call fails is marked down in ``health``, shared by all
/// clients: from then on its keys go to the other servers (rehashed, so every process sends them to the same
/// one) and no call waits on it, until ``probe(_:)`` finds it answering and it is marked up.
package final class MemcachedClient: @unchecked Sendable {
    // @unchecked: libmemcachedutil's pool is thread-safe; each call fetches a client of its own and returns it.
    private let pool: OpaquePointer
    private let expiry: Int
    private let timeout: UInt64
    /// The servers as parsed, `host:port` each, in the order of MEMCACHED_SERVERS.
    package let servers: [String]
    /// Which servers are answering.
    package let health: MemcachedHealth

    /// Connects lazily to `servers` (`host[:port]`, comma-separated; port 11211 by default).
    ///
    /// - Returns: `nil` when the list holds no server.
    package init?(servers list: String, expiry: Int, timeoutMilliseconds: Int, clients: Int) {
        let names = list.split(separator: ",").map { String($0.filter { $0 != " " && $0 != "\t" }) }.filter {
            !$0.isEmpty
        }
        let timeout = UInt64(max(timeoutMilliseconds, 1))
        guard !names.isEmpty, let parsed = memcached_servers_parse(names.joined(separator: ",")) else { return nil }
        defer { memcached_server_list_free(parsed) }
        guard let client = Self.client(timeout: timeout) else { return nil }
        guard memcached_server_push(client, parsed) == MEMCACHED_SUCCESS,
            memcached_server_count(client) == names.count
        else {
            memcached_free(client)
            return nil
        }
        let count = UInt32(max(clients, 1))
        guard let pool = memcached_pool_create(client, count, count) else {
            memcached_free(client)
            return nil
        }
        self.pool = pool
        self.timeout = timeout
        self.expiry = max(expiry, 0)
        servers = names.map { $0.contains(":") ? $0 : $0 + ":11211" }
        health = MemcachedHealth(serverCount: names.count)
    }

    deinit {
        if let client = memcached_pool_destroy(pool) { memcached_free(client) }
    }

    /// A client with no server yet, configured as every client of the pool is.
    private static func client(timeout: UInt64) -> UnsafeMutablePointer<memcached_st>? {
        guard let client = memcached_create(nil) else { return nil }
        // Failure handling is ours (``MemcachedHealth``): libmemcached neither ejects a server from the ring, which
        // would move keys differently in every client, nor keeps one disabled for long after our probe found it back.
        let behaviours: [(memcached_behavior_t, UInt64)] = [
            (MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1), (MEMCACHED_BEHAVIOR_TCP_NODELAY, 1),
            (MEMCACHED_BEHAVIOR_NO_BLOCK, 1),
            (MEMCACHED_BEHAVIOR_DISTRIBUTION, UInt64(MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA.rawValue)),
            (MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, timeout), (MEMCACHED_BEHAVIOR_POLL_TIMEOUT, timeout),
            (MEMCACHED_BEHAVIOR_SND_TIMEOUT, timeout * 1000), (MEMCACHED_BEHAVIOR_RCV_TIMEOUT, timeout * 1000),
            (MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1), (MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 0),
        ]
        for (behaviour, value) in behaviours { _ = memcached_behavior_set(client, behaviour, value) }
        return client
    }

    /// The value stored under `key`, a miss, or why there is none.
    package func get(_ key: String) -> MemcachedReply {
        withClient { client -> MemcachedReply in
            guard let (group, server) = route(key, client) else { return .skipped }
            var length = 0
            var flags: UInt32 = 0
            var status = MEMCACHED_SUCCESS
            let value = group.withCString { groupKey in
                key.withCString {
                    memcached_get_by_key(
                        client, groupKey, strlen(groupKey), $0, strlen($0), &length, &flags, &status)
                }
            }
            defer { free(value) }
            switch status {
            case MEMCACHED_SUCCESS:
                guard let value else { return .miss }
                return .value(
                    value.withMemoryRebound(to: UInt8.self, capacity: length) {
                        Array(UnsafeBufferPointer(start: $0, count: length))
                    })
            case MEMCACHED_NOTFOUND: return .miss
            case MEMCACHED_SERVER_TEMPORARILY_DISABLED, MEMCACHED_SERVER_MARKED_DEAD: return .skipped
            default: return .failed(server: server, newlyDown: health.markDown(server))
            }
        } ?? .skipped
    }

    /// What storing a value came to.
    package enum StoreResult: Sendable, Equatable {
        /// Sent.
        case stored
        /// Not sent: every server the key could go to is down.
        case skipped
        /// The server refused the value (larger than its item limit, or out of memory); it is healthy.
        case refused
        /// The call to server `server` failed; `newlyDown` when this call marked it down.
        case failed(server: Int, newlyDown: Bool)
    }

    /// Stores `value` under `key` with the configured expiry.
    @discardableResult
    package func set(_ key: String, _ value: [UInt8]) -> StoreResult {
        withClient { client -> StoreResult in
            guard let (group, server) = route(key, client) else { return .skipped }
            let status = group.withCString { groupKey in
                key.withCString { name in
                    value.withUnsafeBufferPointer { bytes in
                        bytes.withMemoryRebound(to: CChar.self) {
                            memcached_set_by_key(
                                client, groupKey, strlen(groupKey), name, strlen(name), $0.baseAddress, $0.count,
                                time_t(expiry), 0)
                        }
                    }
                }
            }
            switch status {
            case MEMCACHED_SUCCESS, MEMCACHED_BUFFERED: return .stored
            case MEMCACHED_SERVER_TEMPORARILY_DISABLED, MEMCACHED_SERVER_MARKED_DEAD: return .skipped
            case MEMCACHED_E2BIG, MEMCACHED_NOTSTORED, MEMCACHED_SERVER_MEMORY_ALLOCATION_FAILURE,
                MEMCACHED_MEMORY_ALLOCATION_FAILURE:
                return .refused
            default: return .failed(server: server, newlyDown: health.markDown(server))
            }
        } ?? .skipped
    }

    /// Whether server `index` answers a lookup now, asked on a connection of its own (blocks up to the timeout).
    package func probe(_ index: Int) -> Bool {
        guard servers.indices.contains(index), let client = Self.client(timeout: timeout) else { return false }
        defer { memcached_free(client) }
        guard let parsed = memcached_servers_parse(servers[index]) else { return false }
        defer { memcached_server_list_free(parsed) }
        guard memcached_server_push(client, parsed) == MEMCACHED_SUCCESS else { return false }
        var length = 0
        var flags: UInt32 = 0
        var status = MEMCACHED_SUCCESS
        let value = memcached_get(client, "iipsrv-async:probe", 18, &length, &flags, &status)
        free(value)
        return status == MEMCACHED_SUCCESS || status == MEMCACHED_NOTFOUND
    }

    /// The key that chooses the server for `key`, and that server: the key itself while its server is up, else
    /// the key with a suffix, tried in turn, so that every process sends a down server's keys to the same server.
    private func route(_ key: String, _ client: UnsafeMutablePointer<memcached_st>) -> (String, Int)? {
        if health.allDown { return nil }
        for attempt in 0..<(4 * servers.count) {
            let group = attempt == 0 ? key : key + "~\(attempt)"
            let server = group.withCString { Int(memcached_generate_hash(client, $0, strlen($0))) }
            if !health.isDown(server) { return (group, server) }
        }
        return nil
    }

    private func withClient<T>(_ body: (UnsafeMutablePointer<memcached_st>) -> T) -> T? {
        var status = MEMCACHED_SUCCESS
        var wait = timespec(tv_sec: 1, tv_nsec: 0)
        guard let client = memcached_pool_fetch(pool, &wait, &status) else { return nil }
        defer { _ = memcached_pool_release(pool, client) }
        return body(client)
    }
}
