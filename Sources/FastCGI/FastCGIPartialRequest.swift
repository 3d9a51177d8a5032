import NIOCore

/// A request whose PARAMS and STDIN streams are still arriving.
struct FastCGIPartialRequest {
    let requestID: UInt16
    let keepConnection: Bool
    private var paramsStream = ByteBuffer()
    private var params: [String: String]?
    private var body = ByteBuffer()
    private var bodyEnded = false

    init(requestID: UInt16, keepConnection: Bool) {
        self.requestID = requestID
        self.keepConnection = keepConnection
    }

    /// The request, once both streams have ended.
    var completeRequest: FastCGIRequest? {
        guard let params, bodyEnded else {
            return nil
        }
        return FastCGIRequest(requestID: requestID, keepConnection: keepConnection, params: params, body: body)
    }

    /// Appends a PARAMS record's content; an empty one ends the stream, which is then parsed.
    mutating func appendParams(_ content: ByteBuffer, limit: Int) throws {
        guard params == nil else {
            throw FastCGIProtocolError.unexpectedRecord(type: .params, requestID: requestID)
        }
        guard content.readableBytes > 0 else {
            var parsed: [String: String] = [:]
            for (name, value) in try FastCGINameValuePairs.decode(paramsStream) {
                parsed[name] = value
            }
            params = parsed
            paramsStream = ByteBuffer()
            return
        }
        guard content.readableBytes <= limit - paramsStream.readableBytes else {
            throw FastCGIProtocolError.paramsTooLarge(limit: limit)
        }
        Self.append(content, to: &paramsStream)
    }

    /// Appends a STDIN record's content; an empty one ends the stream.
    mutating func appendStdin(_ content: ByteBuffer, limit: Int) throws {
        guard !bodyEnded else {
            throw FastCGIProtocolError.unexpectedRecord(type: .stdin, requestID: requestID)
        }
        guard content.readableBytes > 0 else {
            bodyEnded = true
            return
        }
        guard content.readableBytes <= limit - body.readableBytes else {
            throw FastCGIProtocolError.bodyTooLarge(limit: limit)
        }
        Self.append(content, to: &body)
    }

    /// Keeps the first chunk as the zero-copy slice it is; later chunks are copied behind it.
    private static func append(_ content: ByteBuffer, to stream: inout ByteBuffer) {
        if stream.readableBytes == 0 {
            stream = content
        } else {
            stream.writeImmutableBuffer(content)
        }
    }
}
