import Foundation

/// A plain TCP client socket for abusive clients: it connects without waiting, writes exactly what it is told,
/// reads only when asked (or never), and tells whether the server has closed it. Closed on deinit.
final class RawSocket {
    /// The descriptor.
    let descriptor: Int32

    /// Starts connecting to 127.0.0.1:`port` without waiting; `receiveBuffer` shrinks SO_RCVBUF first (a client
    /// that reads nothing then stalls the server's writes sooner).
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 || errno == EINPROGRESS else {
            let code = errno
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    deinit { close(descriptor) }

    /// Whether the connection is established, waiting at most `milliseconds`.
    func waitConnected(milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&entry, 1, milliseconds) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }

    /// Writes all of `bytes` (waiting for room); false when the connection is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                guard poll(&entry, 1, 5000) == 1 else { return false }
            } else {
                return false
            }
        }
        return true
    }

    /// Writes `text` as UTF-8.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Whether something (bytes or a close) has arrived, waiting at most `milliseconds`; nothing is consumed.
    func waitReadable(milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) == 1
    }

    /// Whether the server has closed (or reset) the connection, without consuming what it sent.
    var isClosedByPeer: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN) | Int16(0x2000), revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        // 0x2000: POLLRDHUP (the peer closed its end), which Glibc does not export to Swift.
        if entry.revents & (Int16(0x2000) | Int16(POLLHUP) | Int16(POLLERR)) != 0 { return true }
        var byte: UInt8 = 0
        let peeked = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return peeked == 0 || (peeked < 0 && errno != EAGAIN)
    }

    /// Reads everything until the server closes or `seconds` pass without data; the bytes and whether it closed.
    func readAll(idleSeconds: Int32) -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, idleSeconds * 1000) == 1 else { return (received, false) }
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 || errno != EAGAIN {
                return (received, true)
            }
        }
    }

    /// Waits until every socket in `sockets` is closed by the server, at most `timeout`; the number still open.
    static func waitUntilClosed(_ sockets: [RawSocket], timeout: Duration) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var open = sockets
        while !open.isEmpty && ContinuousClock.now < deadline {
            open.removeAll { $0.isClosedByPeer }
            if !open.isEmpty { try? await Task.sleep(for: .milliseconds(200)) }
        }
        return open.count
    }

    /// Raises this process's soft descriptor limit towards `wanted` (children such as the server inherit it);
    /// the limit in effect.
    static func raiseDescriptorLimit(to wanted: Int) -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < rlim_t(wanted) {
            limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
