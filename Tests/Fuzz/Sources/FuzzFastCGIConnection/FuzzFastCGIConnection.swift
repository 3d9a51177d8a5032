import FuzzSupport
import Logging
import NIOCore
import NIOEmbedded

@testable import FastCGI

/// Small limits, so that inputs reach them.
private let configuration = FastCGIServerConfiguration(
    address: .tcp(host: "127.0.0.1", port: 0), maxParamsBytes: 1000, maxBodyBytes: 2000, maxRequestsPerConnection: 4)

private let logger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })

/// Feeds the input to one connection's protocol state (record decoder, encoder and ``FastCGIConnectionHandler``,
/// which assembles PARAMS and STDIN into ``FastCGIRequest``s), on an `EmbeddedChannel`.
///
/// The first byte chooses the size of the chunks the rest arrives in, whether requests are answered at once or at
/// the end, and whether the server starts to quiesce after the input. Every request is answered (a short STDOUT
/// and END_REQUEST, failed for odd tokens). Checks that assembled requests stay within the limits and that
/// everything the server writes is a well-formed stream of version-1 records with no bytes left over.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFastCGIConnection(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (selector, stream) = FuzzInput(data, size).selectorAndRest
    let channel = EmbeddedChannel()
    try! channel.pipeline.syncOperations.addHandlers(
        ByteToMessageHandler(FastCGIRecordDecoder()), FastCGIRecordWriter(),
        FastCGIConnectionHandler(configuration: configuration, logger: logger))
    try! channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()

    let chunk = Int(selector & 0x3f) + 1
    let answerAtOnce = selector & 0x40 == 0
    var pending: [FastCGIRequestToken] = []
    var start = stream.startIndex
    while start < stream.endIndex, channel.isActive {
        let end = min(start + chunk, stream.endIndex)
        _ = try? channel.writeInbound(ByteBuffer(bytes: stream[start..<end]))
        start = end
        pending += received(channel)
        if answerAtOnce {
            answer(pending, on: channel)
            pending = []
        }
    }
    if selector & 0x80 != 0 {
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
    }
    answer(pending, on: channel)
    checkWritten(channel)
    _ = try? channel.finish(acceptAlreadyClosed: true)
    return 0
}

/// The tokens of the requests the handler passed up, after checking them against the limits.
private func received(_ channel: EmbeddedChannel) -> [FastCGIRequestToken] {
    var tokens: [FastCGIRequestToken] = []
    while let event = try? channel.readInbound(as: FastCGIConnectionEvent.self) {
        guard case .request(let request, let token) = event else { continue }
        precondition(request.body.readableBytes <= configuration.maxBodyBytes, "body over the limit")
        // Each pair takes at least its two length bytes of the PARAMS stream.
        precondition(request.params.count <= configuration.maxParamsBytes / 2, "params over the limit")
        tokens.append(token)
    }
    return tokens
}

private func answer(_ tokens: [FastCGIRequestToken], on channel: EmbeddedChannel) {
    for token in tokens {
        _ = try? channel.writeOutbound(
            FastCGIResponsePart.stdout(token, ByteBuffer(string: "Status: 200 OK\r\n\r\nok")))
        _ = try? channel.writeOutbound(FastCGIResponsePart.end(token, failed: token.value % 2 == 1))
    }
}

/// Decodes everything written so far: whole records only.
private func checkWritten(_ channel: EmbeddedChannel) {
    var bytes = ByteBuffer()
    while var part = try? channel.readOutbound(as: ByteBuffer.self) {
        bytes.writeBuffer(&part)
    }
    var decoder = FastCGIRecordDecoder()
    while let record = try! decoder.decode(buffer: &bytes) {
        precondition(record.type.rawValue >= 3 && record.type.rawValue <= 11, "server wrote \(record.type)")
    }
    precondition(bytes.readableBytes == 0, "server wrote a partial record")
}
