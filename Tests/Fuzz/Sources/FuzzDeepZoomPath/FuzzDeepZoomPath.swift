import FuzzSupport
import IIPProtocol

/// Parses the input as a DeepZoom argument (``DeepZoomRequest``), as the IIP parser and the `/deepzoom/` route hand
/// it over.
///
/// Checks that a parsed path is neither empty nor keeps a `../`, and that tile numbers are not negative.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeepZoomPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let argument = FuzzInput(data, size).string
    guard let request = try? DeepZoomRequest.parse(argument) else { return 0 }
    precondition(!request.path.isEmpty && !request.path.containsParentStep, "DeepZoom path: \(request.path)")
    if case .tile(_, let level, let x, let y, let format) = request {
        precondition(level >= 0 && x >= 0 && y >= 0 && !format.isEmpty, "DeepZoom tile")
    }
    return 0
}
