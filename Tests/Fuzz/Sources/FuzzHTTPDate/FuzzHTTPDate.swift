import FuzzSupport

@testable import IIPProtocol

/// The last second whose IMF-fixdate has a four-digit year (9999-12-31T23:59:59Z), the parser's range.
private let lastFourDigitSecond: Int64 = 253_402_300_799

/// Parses the input as an HTTP date (IIPProtocol's `HTTPDate`, If-Modified-Since) and checks that a parsed date
/// formats to an IMF-fixdate that parses back to the same second.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPDate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput(data, size).string
    guard let seconds = HTTPDate.parse(text) else { return 0 }
    let formatted = HTTPDate.format(seconds)
    if seconds <= lastFourDigitSecond {
        precondition(HTTPDate.parse(formatted) == seconds, "\(text) -> \(seconds) -> \(formatted)")
    }
    return 0
}
