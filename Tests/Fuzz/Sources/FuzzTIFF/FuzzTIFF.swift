import FuzzSupport

private let fuzzer = ImageFileFuzzer(name: "tiff")

/// Opens the input as an image file with the server's readers (a TIFF seed corpus steers it to that reader).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTIFF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzer.run(FuzzInput(data, size))
    return 0
}
