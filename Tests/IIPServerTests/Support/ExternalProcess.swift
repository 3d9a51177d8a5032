import Foundation
import NIOConcurrencyHelpers

/// A real program started by a test (nginx, Apache, wrk, cgi-fcgi, spawn-fcgi, the server binary), stopped when
/// the test is done and, whatever happens, when the test process exits.
///
/// Spawned with `posix_spawn` in a process group of its own, with only descriptors 0-2 open and every signal
/// unblocked and at its default:
/// threads of this process block signals, and a child would otherwise inherit that mask (Apache then ignores
/// SIGTERM). Stopping signals the whole group, so helpers the program started (Apache's children, the server
/// that mod_fcgid runs) go too.
final class ExternalProcess: Sendable {
    let name: String
    /// The process id, also its process group id.
    let pid: pid_t
    /// Where standard output and error are written.
    let logPath: String
    private let status: ExitStatus

    /// Starts `executable` with `arguments`; `environment` is added to a PATH-only environment, and the file at
    /// `input` is its standard input.
    init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String = "/dev/null",
        logDirectory: String
    ) throws {
        name = URL(fileURLWithPath: executable).lastPathComponent
        logPath = logDirectory + "/\(name)-\(UUID().uuidString.prefix(8)).log"
        var variables = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        variables.merge(environment) { $1 }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this busy process leaks into the child: wrk, for one, fails on descriptors past its
        // event-loop size when it inherits a few hundred.
        Self.closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
        pid = child
        status = ExitStatus()
        ExternalProcess.registry.withLockedValue { $0.insert(child) }
        let status = status
        let spawned = child
        Thread.detachNewThread {
            var code: Int32 = 0
            while waitpid(spawned, &code, 0) < 0 && errno == EINTR {}
            let exit = (code & 0x7F) == 0 ? (code >> 8) & 0xFF : 128 + (code & 0x7F)
            status.finish(exit)
        }
    }

    /// Whether it is still running.
    var isRunning: Bool { status.code == nil }

    /// Sends a signal to the process only.
    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Waits for the process to exit, at most `timeout`; returns its exit status (128 + signal when killed), or
    /// `nil` on timeout.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = status.code { return code }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return status.code
    }

    /// Stops the process and its group: SIGTERM, then SIGKILL after `grace`.
    func stop(grace: Duration = .seconds(5)) async {
        if isRunning {
            kill(pid, SIGTERM)
            if await waitForExit(timeout: grace) == nil {
                kill(-pid, SIGKILL)
                _ = await waitForExit(timeout: .seconds(2))
            }
        }
        kill(-pid, SIGKILL)
        _ = ExternalProcess.registry.withLockedValue { $0.remove(pid) }
    }

    /// Every thread's backtrace, from gdb attached for a moment (for a process that does not exit when it should);
    /// a note instead when gdb is missing or the process has gone.
    func threadBacktraces(logDirectory: String) async -> String {
        guard isRunning else { return "\(name) has exited" }
        guard let gdb = ExternalProcess.find("gdb") else { return "no gdb to show \(name)'s threads" }
        do {
            let attach = try ExternalProcess(
                gdb, ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt 30"], logDirectory: logDirectory)
            _ = await attach.waitForExit(timeout: .seconds(60))
            await attach.stop()
            return attach.output
        } catch {
            return "gdb did not start: \(error)"
        }
    }

    /// What the process wrote so far.
    var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The exit status, once known.
    private final class ExitStatus: Sendable {
        private let value = NIOLockedValueBox<Int32?>(nil)
        var code: Int32? { value.withLockedValue { $0 } }
        func finish(_ code: Int32) { value.withLockedValue { $0 = code } }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift's Glibc module does not export.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
    }

    // MARK: Clean-up at exit

    private static let registry: NIOLockedValueBox<Set<pid_t>> = {
        atexit {
            for pid in ExternalProcess.registry.withLockedValue({ $0 }) { kill(-pid, SIGKILL) }
        }
        return NIOLockedValueBox([])
    }()

    /// Finds a program on the PATH or in the usual system folders.
    static func find(_ program: String) -> String? {
        let folders =
            (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        return folders.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
