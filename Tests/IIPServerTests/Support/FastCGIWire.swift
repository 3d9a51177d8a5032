/// FastCGI records as raw bytes, for clients that misbehave on purpose (the server's own codec would not let a
/// test send half a request).
enum FastCGIWire {
    /// One record: version 1, `type`, request id, content (at most 65,535 bytes), no padding.
    static func record(_ type: UInt8, id: UInt16 = 1, _ content: [UInt8] = []) -> [UInt8] {
        [1, type, UInt8(id >> 8), UInt8(id & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF), 0, 0]
            + content
    }

    /// BEGIN_REQUEST for the responder role, keeping the connection.
    static func begin(id: UInt16 = 1) -> [UInt8] { record(1, id: id, [0, 1, 1, 0, 0, 0, 0, 0]) }

    /// The name-value pairs of a PARAMS stream (names and values shorter than 128 bytes).
    static func pairs(_ pairs: [(String, String)]) -> [UInt8] {
        pairs.flatMap { name, value in [UInt8(name.utf8.count), UInt8(value.utf8.count)] + name.utf8 + value.utf8 }
    }

    /// A whole GET request: BEGIN, PARAMS, the empty PARAMS and STDIN that end the streams.
    static func get(query: String, id: UInt16 = 1) -> [UInt8] {
        let params = pairs([
            ("REQUEST_METHOD", "GET"), ("QUERY_STRING", query), ("REQUEST_URI", "/fcgi-bin/iipsrv.fcgi?" + query),
            ("SERVER_NAME", "localhost"),
        ])
        return begin(id: id) + record(4, id: id, params) + record(4, id: id) + record(5, id: id)
    }
}
