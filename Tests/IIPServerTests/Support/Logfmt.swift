/// Reads logfmt key=value pairs as log tools do (bare or double-quoted values, `\` escapes inside quotes), to hold
/// the server's log lines to the format it claims.
enum Logfmt {
    /// The pairs of `line`; words without `=` (the timestamp, level and message) are left out. `nil` when a quoted
    /// value is not closed.
    static func fields(_ line: Substring) -> [String: String]? {
        var fields: [String: String] = [:]
        var index = line.startIndex
        func skipSpaces() {
            while index < line.endIndex, line[index] == " " { index = line.index(after: index) }
        }
        while true {
            skipSpaces()
            guard index < line.endIndex else { return fields }
            var key = ""
            while index < line.endIndex, line[index] != " ", line[index] != "=" {
                key.append(line[index])
                index = line.index(after: index)
            }
            guard index < line.endIndex, line[index] == "=" else { continue }
            index = line.index(after: index)
            var value = ""
            if index < line.endIndex, line[index] == "\"" {
                index = line.index(after: index)
                var closed = false
                while index < line.endIndex {
                    let character = line[index]
                    index = line.index(after: index)
                    if character == "\"" {
                        closed = true
                        break
                    }
                    guard character == "\\", index < line.endIndex else {
                        value.append(character)
                        continue
                    }
                    let escaped = line[index]
                    index = line.index(after: index)
                    switch escaped {
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    case "t": value.append("\t")
                    case "u":
                        let end = line.index(index, offsetBy: 4, limitedBy: line.endIndex) ?? line.endIndex
                        guard let code = UInt32(line[index..<end], radix: 16), let scalar = Unicode.Scalar(code)
                        else { return nil }
                        value.unicodeScalars.append(scalar)
                        index = end
                    default: value.append(escaped)
                    }
                }
                guard closed else { return nil }
            } else {
                while index < line.endIndex, line[index] != " " {
                    value.append(line[index])
                    index = line.index(after: index)
                }
            }
            fields[key] = value
        }
    }
}
