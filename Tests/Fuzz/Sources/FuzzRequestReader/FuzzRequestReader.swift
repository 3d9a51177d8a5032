import FuzzSupport
import IIPModel
import IIPProtocol

/// The settings a request may meet, chosen by the input's first byte: defaults; URI_MAP, IIIF 2 and IIIF_DELIMITER;
/// a short MAX_QUERY_LENGTH; every format with the IIIF extensions.
private let readers = [
    RequestReader(settings: ProtocolSettings()),
    RequestReader(settings: ProtocolSettings(uriMap: URIMap("iiif=>IIIF"), iiifVersion: .v2, iiifDelimiter: "_")),
    RequestReader(settings: ProtocolSettings(maxQueryLength: 64, uriMap: URIMap("dz=>DeepZoom"))),
    RequestReader(settings: ProtocolSettings(formats: Set(OutputFormat.allCases), iiifExtensions: true)),
]

/// The methods a request may have, chosen by the input's first byte.
private let methods: [ServerRequest.Method] = [.get, .head, .post, .options, .other("PUT")]

/// Reads a whole request as a frontend hands it over (``RequestReader``): the first byte chooses the method and the
/// settings; the rest is the path, query, body and Accept header, separated by NUL bytes.
///
/// Checks that no image path the request names keeps a `../`, and parses every embedded IIIF, DeepZoom or Zoomify
/// command as the IIP planner would.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let (selector, rest) = FuzzInput(data, size).selectorAndRest
    var fields = rest.split(separator: 0, maxSplits: 3, omittingEmptySubsequences: false).map { Array($0) }
    while fields.count < 4 { fields.append([]) }
    let text = fields.map { String(decoding: $0, as: UTF8.self) }
    let request = ServerRequest(
        method: methods[Int(selector) % methods.count], path: text[0], query: text[1], body: fields[2],
        accept: text[3].isEmpty ? nil : text[3])
    let reader = readers[Int(selector >> 4) % readers.count]
    guard case .request(let call)? = try? reader.read(request) else { return 0 }
    for path in reader.imagePaths(of: call, request: request) {
        precondition(!path.containsParentStep, "image path keeps ../: \(path)")
    }
    if case .iip(_, let items) = call {
        for case .command(let command) in items {
            _ = try? reader.embeddedRequest(command, request: request)
        }
    }
    return 0
}
