import FuzzSupport
import IIPProtocol

/// URL-decodes the input (``IIPURLDecoding``) and checks what decoding promises.
///
/// Decoding never lengthens the text (an escape is three bytes for one, and an invalid byte it produces becomes at
/// most one three-byte U+FFFD); text without `%` and `+` comes back unchanged; a dropped NUL means the text held
/// `%00`; a substring decodes as the same string does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURLDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = FuzzInput(data, size).string
    let (value, droppedNul) = IIPURLDecoding.decode(text)
    precondition(value.utf8.count <= text.utf8.count, "decoding lengthened \(text.debugDescription)")
    if !text.utf8.contains(UInt8(ascii: "%")) && !text.utf8.contains(UInt8(ascii: "+")) {
        precondition(value == text && !droppedNul, "plain text changed")
    }
    if droppedNul {
        precondition(text.utf8.firstRange(of: "%00".utf8) != nil, "NUL dropped without %00")
    }
    let substring = IIPURLDecoding.decode(text.dropFirst(0))
    precondition(substring.value == value && substring.droppedNul == droppedNul, "substring decodes differently")
    return 0
}
