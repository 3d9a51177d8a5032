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
/// (ketama) hashing, so adding or removing a server moves only that server's share of the keys. A server that
/// fails is ejected from the ring for `retryInterval` seconds, during which its keys go to the others, and is
/// tried again after it; every network wait is bounded by `timeoutMilliseconds`.
package final class MemcachedClient: @unchecked Sendable {
    // @unchecked: libmemcachedutil's pool is thread-safe; each call fetches a client of its own and returns it.
    private let pool: OpaquePointer
    private let expiry: Int
    /// The servers as parsed, `host:port` each.
    package let servers: [String]

    /// Connects lazily to `servers` (`host[:port]`, comma-separated; port 11211 by default).
    ///
    /// - Returns: `nil` when the list holds no server.
    package init?(
        servers list: String, expiry: Int, timeoutMilliseconds: Int, retryInterval: Int, clients: Int
    ) {
        let names = list.split(separator: ",").map { String($0.filter { $0 != " " && $0 != "\t" }) }.filter {
            !$0.isEmpty
        }
        guard !names.isEmpty, let parsed = memcached_servers_parse(names.joined(separator: ",")) else { return nil }
        defer { memcached_server_list_free(parsed) }
        guard let client = memcached_create(nil) else { return nil }
        guard memcached_server_push(client, parsed) == MEMCACHED_SUCCESS else {
            memcached_free(client)
            return nil
        }
        let timeout = UInt64(max(timeoutMilliseconds, 1))
        let behaviours: [(memcached_behavior_t, UInt64)] = [
            (MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1), (MEMCACHED_BEHAVIOR_TCP_NODELAY, 1),
            (MEMCACHED_BEHAVIOR_NO_BLOCK, 1),
            (MEMCACHED_BEHAVIOR_DISTRIBUTION, UInt64(MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA.rawValue)),
            (MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, timeout), (MEMCACHED_BEHAVIOR_POLL_TIMEOUT, timeout),
            (MEMCACHED_BEHAVIOR_SND_TIMEOUT, timeout * 1000), (MEMCACHED_BEHAVIOR_RCV_TIMEOUT, timeout * 1000),
            (MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, UInt64(max(retryInterval, 1))),
            (MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, UInt64(max(retryInterval, 1))),
            (MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, 1), (MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 1),
        ]
        for (behaviour, value) in behaviours { _ = memcached_behavior_set(client, behaviour, value) }
        let count = UInt32(max(clients, 1))
        guard let pool = memcached_pool_create(client, count, count) else {
            memcached_free(client)
            return nil
        }
        self.pool = pool
        self.expiry = max(expiry, 0)
        servers = names.map { $0.contains(":") ? $0 : $0 + ":11211" }
    }

    deinit {
        if let client = memcached_pool_destroy(pool) { memcached_free(client) }
    }

    /// The value stored under `key`, or `nil` on a miss or any failure (a dead server, a timeout).
    package func get(_ key: String) -> [UInt8]? {
        withClient { client -> [UInt8]? in
            var length = 0
            var flags: UInt32 = 0
            var status = MEMCACHED_SUCCESS
            let value = key.withCString { memcached_get(client, $0, strlen($0), &length, &flags, &status) }
            guard let value else { return nil }
            defer { free(value) }
            guard status == MEMCACHED_SUCCESS else { return nil }
            return value.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        } ?? nil
    }

    /// Stores `value` under `key` with the configured expiry; `false` when it could not be sent.
    @discardableResult
    package func set(_ key: String, _ value: [UInt8]) -> Bool {
        withClient { client -> Bool in
            let status = key.withCString { name in
                value.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) {
                        memcached_set(client, name, strlen(name), $0.baseAddress, $0.count, time_t(expiry), 0)
                    }
                }
            }
            return status == MEMCACHED_SUCCESS || status == MEMCACHED_BUFFERED
        } ?? false
    }

    private func withClient<T>(_ body: (UnsafeMutablePointer<memcached_st>) -> T) -> T? {
        var status = MEMCACHED_SUCCESS
        var wait = timespec(tv_sec: 1, tv_nsec: 0)
        guard let client = memcached_pool_fetch(pool, &wait, &status) else { return nil }
        defer { _ = memcached_pool_release(pool, client) }
        return body(client)
    }
}
