import FuzzSupport
import IIPProtocol

/// Parses the input as a Zoomify argument (``ZoomifyRequest``), as the IIP parser and the `/zoomify/` route hand it
/// over.
///
/// Checks that a parsed path is neither empty nor keeps a `../`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZoomifyPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let argument = FuzzInput(data, size).string
    guard let request = try? ZoomifyRequest.parse(argument) else { return 0 }
    precondition(!request.path.isEmpty && !request.path.containsParentStep, "Zoomify path: \(request.path)")
    return 0
}
