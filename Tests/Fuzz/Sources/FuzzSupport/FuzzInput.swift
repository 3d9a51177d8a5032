/// The bytes libFuzzer hands a target, in the forms the targets read them.
public struct FuzzInput: Sendable {
    /// The input, copied.
    public let bytes: [UInt8]

    /// Copies `size` bytes from `data` (libFuzzer's `LLVMFuzzerTestOneInput` arguments).
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as a string, invalid UTF-8 replaced by U+FFFD (as a frontend turns bytes into a string).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// The first byte, which selects options in targets that have some (0 for an empty input), and the rest.
    public var selectorAndRest: (selector: UInt8, rest: ArraySlice<UInt8>) {
        (bytes.first ?? 0, bytes.dropFirst())
    }
}

extension String {
    /// Whether the string holds `../`, which no image path handed to the filesystem layer may contain.
    public var containsParentStep: Bool {
        utf8.firstRange(of: "../".utf8) != nil
    }
}
