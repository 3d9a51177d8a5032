import IIPPipeline

/// The `--help` text for configuration, written from ``ServerConfiguration/settings``: iipsrv's environment
/// variables and this server's own, each with its default, and those that do nothing yet marked so.
enum EnvironmentHelp {
    static var text: String {
        var lines = ["Configuration comes from iipsrv's environment variables, with iipsrv's names and defaults.", ""]
        lines += ServerConfiguration.settings.filter { $0.origin == .iipsrv }.flatMap(entry)
        lines += ["", "This server's own:", ""]
        lines += ServerConfiguration.settings.filter { $0.origin == .server }.flatMap(entry)
        lines += ["", "Signals: SIGTERM/SIGINT finish requests in flight and exit; SIGHUP empties the caches."]
        return lines.joined(separator: "\n")
    }

    /// `  NAME  default X  [not yet]` and the meaning below it, wrapped so that no line needs re-wrapping at 80
    /// columns (ArgumentParser wraps longer lines without indentation).
    static func entry(_ setting: Setting) -> [String] {
        var first = "  " + setting.name + String(repeating: " ", count: max(2, 26 - setting.name.count))
        first += "default \(setting.defaultText)"
        var meaning = String(setting.meaning.filter { $0 != "`" })
        switch setting.status {
        case .works: break
        case .notYet(let feature):
            first += "  [not yet]"
            meaning += " Not yet in effect: \(feature) not built."
        case .accepted(let reason):
            first += "  [no effect]"
            meaning += " No effect: \(reason)."
        }
        return [first] + wrap(meaning, width: 72).map { "      " + $0 }
    }

    /// Splits `text` into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += current.isEmpty ? String(word) : " " + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
