/// URL decoding as iipsrv applies it to the arguments that are decoded (iipsrv-reference §1.3).
///
/// `+` becomes a space, `%XX` becomes the byte `XX`, `%00` is dropped, and a `%` not followed by two
/// hexadecimal digits is kept as it is. Invalid UTF-8 in the result is replaced by U+FFFD.
public enum IIPURLDecoding {
    /// Decodes `text`.
    ///
    /// - Returns: The decoded string and whether a `%00` was dropped (iipsrv logs a warning for it).
    public static func decode(_ text: some StringProtocol) -> (value: String, droppedNul: Bool) {
        // Most arguments have nothing to decode.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return (String(text), false)
        }
        let utf8 = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var droppedNul = false
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "%"), let high = hexValue(at: index + 1, in: utf8),
                let low = hexValue(at: index + 2, in: utf8)
            {
                let decoded = high << 4 | low
                if decoded == 0 { droppedNul = true } else { output.append(decoded) }
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return (String(decoding: output, as: UTF8.self), droppedNul)
    }

    private static func hexValue(at index: Int, in bytes: [UInt8]) -> UInt8? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return bytes[index] - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return bytes[index] - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return bytes[index] - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
