import FuzzSupport
import IIPModel
import IIPProtocol

/// The parsers a IIIF path meets: the default one, and one with every format and the IIIF extensions.
private let parsers = [
    IIIFRequestParser(), IIIFRequestParser(formats: Set(OutputFormat.allCases), extensions: true),
]

/// Parses the input as the raw path of a IIIF request (``IIIFRequestParser``), in both IIIF versions.
///
/// Checks that no identifier keeps a `../`, with and without an IIIF_DELIMITER page split.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIIIFPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FuzzInput(data, size).string
    for parser in parsers {
        for version in IIIFVersion.allCases {
            guard let request = try? parser.parse(path, version: version) else { continue }
            let identifier = request.identifier
            precondition(!identifier.containsParentStep, "IIIF identifier keeps ../: \(identifier)")
            let split = IIIFRequestParser.splitPage(identifier: identifier, delimiter: "_")
            precondition(!split.identifier.containsParentStep, "split identifier keeps ../")
        }
    }
    return 0
}
