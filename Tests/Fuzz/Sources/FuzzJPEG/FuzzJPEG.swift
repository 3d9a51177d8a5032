import FuzzSupport

private let fuzzer = ImageFileFuzzer(name: "jpeg")

/// Opens the input as an image file with the server's readers (a JPEG seed corpus steers it to that reader).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzer.run(FuzzInput(data, size))
    return 0
}
