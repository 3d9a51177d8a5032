/// The sections of an AWS shared credentials or config file, in the INI format AWS tools read.
///
/// - `[name]` starts a section; text after the closing `]` is ignored (a comment).
/// - `key = value` (or `key: value`) sets a property; keys are case-insensitive (stored lowercase), keys and
///   values are trimmed. A value keeps any `#` or `;` in it, as botocore does.
/// - Lines starting with `#` or `;` are comments; blank lines are skipped.
/// - An indented line after a property continues it, as for `s3 =` sub-properties: such lines are skipped.
/// - Properties before the first section, and lines without `=` or `:`, are ignored; a repeated section or
///   key adds to or replaces the earlier one.
///
/// Parsing never fails and never reports a line's text, which may hold a secret.
package struct AWSProfileFile: Sendable, Equatable {
    /// The properties of each section, by section name as written (trimmed, case kept).
    package let sections: [String: [String: String]]

    /// Parses the text of a credentials or config file.
    package init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var lastKeyInSection = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = Self.trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            let indented = rawLine.first == " " || rawLine.first == "\t"
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else { continue }
                let name = Self.trimmed(line[line.index(after: line.startIndex)..<close])
                current = name
                sections[name, default: [:]] = sections[name, default: [:]]
                lastKeyInSection = false
                continue
            }
            guard let section = current else { continue }
            if indented && lastKeyInSection { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = Self.trimmed(line[..<separator]).lowercased()
            guard !key.isEmpty else { continue }
            sections[section, default: [:]][key] = Self.trimmed(line[line.index(after: separator)...])
            lastKeyInSection = true
        }
        self.sections = sections
    }

    /// The properties of the section named `name` in a credentials file: `[name]`.
    package func credentialsProfile(_ name: String) -> [String: String]? {
        sections[name]
    }

    /// The properties of profile `name` in a config file: `[profile name]`, or for `default` also `[default]`
    /// (`[profile default]` wins where both set a key).
    package func configProfile(_ name: String) -> [String: String]? {
        var found: [String: String]?
        if name == "default", let plain = sections["default"] {
            found = plain
        }
        for (section, properties) in sections where Self.profileName(ofConfigSection: section) == name {
            found = (found ?? [:]).merging(properties) { _, new in new }
        }
        return found
    }

    /// `NAME` for a config-file section `profile NAME` (any spaces or tabs between), else `nil`.
    private static func profileName(ofConfigSection section: String) -> String? {
        guard section.hasPrefix("profile"), let next = section.dropFirst(7).first, next == " " || next == "\t"
        else { return nil }
        let name = trimmed(section.dropFirst(7))
        return name.isEmpty ? nil : name
    }

    private static func trimmed(_ text: some StringProtocol) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}
