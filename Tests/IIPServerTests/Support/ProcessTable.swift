import Foundation

/// Processes a test did not start itself but must find or watch, such as the server lighttpd starts, read from
/// `/proc`.
enum ProcessTable {
    /// The children of `parent` whose command name (`/proc/PID/comm`, at most 15 characters) is `name`.
    static func children(of parent: pid_t, named name: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let stat = stat(pid) else { return false }
            return stat.parent == parent && stat.name == String(name.prefix(15))
        }.sorted()
    }

    /// Whether `pid` exists and is not a zombie (exited, waiting to be reaped).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = stat(pid) else { return false }
        return stat.state != "Z"
    }

    /// Waits until `pid` is no longer running, at most `timeout`; whether it stopped.
    static func waitUntilGone(_ pid: pid_t, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning(pid) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// Name, state and parent from `/proc/PID/stat` (`pid (comm) state ppid ...`; comm may hold spaces).
    private static func stat(_ pid: pid_t) -> (name: String, state: String, parent: pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let parent = pid_t(fields[1]) else { return nil }
        return (String(text[text.index(after: open)..<close]), String(fields[0]), parent)
    }
}
