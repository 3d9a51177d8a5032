import Foundation
import IIPPipeline
import Testing

/// Issue 9: every environment variable is declared once (``ServerConfiguration/settings``); the README's tables,
/// `Config/iipsrv-async.env` and `--help` say the same thing about it, including whether it works yet.
@Suite("Settings table")
struct SettingsTableTests {
    static let settings = ServerConfiguration.settings

    @Test func namesAreUnique() {
        #expect(Set(Self.settings.map(\.name)).count == Self.settings.count)
    }

    // iipsrv-reference §9: each default is what a configuration without the variable gets.
    @Test func documentedDefaultsAreTheDefaults() {
        let defaults = ServerConfiguration(environment: [:], cores: 3)
        for setting in Self.settings {
            let value = setting.value(in: defaults)
            switch setting.defaultText {
            case "\"\"": #expect(value == "", "\(setting.name)")
            case "cores", "threads": #expect(value == "3", "\(setting.name)")
            case "queued requests": #expect(value == "1024", "\(setting.name)")
            case "16 x threads": #expect(value == "48", "\(setting.name)")
            default:
                let same = value == setting.defaultText || Double(value) == Double(setting.defaultText)
                #expect(same, "\(setting.name): \(value) vs \(setting.defaultText)")
            }
        }
    }

    /// The README rows of the configuration tables: `| \`NAME\` | default | accepts | meaning |`.
    static func readmeRows() throws -> [String: [[String]]] {
        let readme = try String(contentsOfFile: TestEnvironment.packageRoot + "/README.md", encoding: .utf8)
        var rows: [String: [[String]]] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            guard name.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) else { continue }
            rows[name, default: []].append(cells)
        }
        return rows
    }

    @Test func readmeHasOneTrueRowPerVariable() throws {
        let rows = try Self.readmeRows()
        #expect(Set(rows.keys) == Set(Self.settings.map(\.name)))
        for setting in Self.settings {
            let found = rows[setting.name] ?? []
            #expect(found.count == 1, "\(setting.name) has \(found.count) rows")
            guard let cells = found.first, cells.count == 4 else { continue }
            #expect(cells[1] == setting.defaultText, "\(setting.name) default")
            let meaning = cells[3]
            switch setting.status {
            case .works:
                #expect(!meaning.contains("No effect"), "\(setting.name) works but the README says it does not")
            case .notYet:
                #expect(meaning.contains("*No effect yet"), "\(setting.name) does nothing yet; the README must say so")
            case .accepted:
                #expect(meaning.contains("*No effect:"), "\(setting.name) has no effect; the README must say so")
            }
        }
    }

    @Test func environmentFileFollowsTheTable() throws {
        let text = try String(
            contentsOfFile: TestEnvironment.packageRoot + "/Config/iipsrv-async.env", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var names: [String] = []
        for (index, line) in lines.enumerated() where !line.hasPrefix("#") && line.contains("=") {
            let name = String(line.prefix { $0 != "=" })
            names.append(name)
            guard let setting = Self.settings.first(where: { $0.name == name }) else { continue }
            let comment = index > 0 ? lines[index - 1] : ""
            #expect(comment.hasPrefix("#"), "\(name) has no comment")
            #expect(comment.contains("No effect") == !setting.status.works, "\(name): \(comment)")
        }
        #expect(names == Self.settings.map(\.name))
    }

    @Test func helpListsEveryVariableAndWhatDoesNothingYet() async throws {
        let folder = try TestEnvironment.temporaryFolder("help")
        let help = try ExternalProcess(TestEnvironment.serverExecutable, ["--help"], logDirectory: folder)
        #expect(await help.waitForExit(timeout: .seconds(20)) == 0)
        let lines = help.output.split(separator: "\n").map(String.init)
        for setting in Self.settings {
            let line = lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(setting.name + " ") }
            #expect(line != nil, "--help does not list \(setting.name)")
            let marked = (line?.contains("[not yet]") ?? false) || (line?.contains("[no effect]") ?? false)
            #expect(marked == !setting.status.works, "\(line ?? setting.name)")
        }
    }
}
