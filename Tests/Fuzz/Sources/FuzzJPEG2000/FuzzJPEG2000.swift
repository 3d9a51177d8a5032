import FuzzSupport

private let fuzzer = ImageFileFuzzer(name: "jpeg2000")

/// Opens the input as an image file with the server's readers (a JPEG2000 seed corpus steers it to that reader).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG2000(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzer.run(FuzzInput(data, size))
    return 0
}
