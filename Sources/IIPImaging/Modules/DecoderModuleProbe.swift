import CIIPShims
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tries a decoder module on a file in a child process before the server trusts the module with it.
///
/// Modules run inside the server, so one that crashes or loops on a file would take every request down with it.
/// Before a module first opens a file, the server runs itself as `executable --probe-decoder-module=MODULE
/// --probe-file=FILE` (see ``run(modulePath:file:)``), which loads the module, opens and describes the file and
/// reads the first tile of its smallest level. A child killed by a signal, or still running after `timeout`,
/// refuses the file with ``ImagingError/decodeFailed(_:)`` (a 404, with a log line), and so does any ending but a
/// clean exit; after a clean exit the server opens the file itself, where an error the module reports is answered
/// as usual. A file that passed is not
/// tried again until its size or modification time changes.
public struct DecoderModuleProbe: Sendable {
    /// The program run as the child: this server's own executable.
    public var executable: String
    /// How long the child may take.
    public var timeout: Duration
    private let report: @Sendable (String) -> Void
    private let verdicts: Verdicts

    /// What each file tried got, by path, size and modification time: `nil` passed, otherwise why it was refused.
    /// A handful per image, kept for the process, so a file is tried once per version.
    private final class Verdicts: Sendable {
        let byFile = NIOLockedValueBox<[String: String?]>([:])
    }

    /// Creates a probe that runs `executable` for at most `timeout`, and calls `report` once with the reason
    /// whenever it refuses a file (the server logs it as an error).
    public init(executable: String, timeout: Duration, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.executable = executable
        self.timeout = timeout
        self.report = report
        self.verdicts = Verdicts()
    }

    /// Tries `module` on `file` in a child process, once per version of the file. A blocking call.
    ///
    /// - Throws: ``ImagingError/decodeFailed(_:)`` when the child crashes or runs past the timeout (and again,
    ///   without a new child, for that version of the file).
    public func check(module: DecoderModule, file: String) throws(ImagingError) {
        var status = stat()
        let key =
            stat(file, &status) == 0
            ? "\(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(module.path) \(file)" : nil
        if let key, let known = verdicts.byFile.withLockedValue({ $0[key] }) {
            if let refusal = known { throw .decodeFailed(refusal) }
            return
        }
        let refusal = runChild(module: module, file: file)
        if let key { verdicts.byFile.withLockedValue { $0[key] = .some(refusal) } }
        if let refusal {
            report("decoder module \(module.path) on \(file): \(refusal)")
            throw .decodeFailed(refusal)
        }
    }

    /// Runs the child; returns why the file is refused, or `nil`.
    private func runChild(module: DecoderModule, file: String) -> String? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_RDWR, 0)
        }
        // The server's other descriptors (sockets, open images) stay out of the child.
        _ = iip_spawn_close_from(&actions, 3)
        // `--name=value`, so that a path starting with `-` is never read as an option.
        let arguments = [executable, "--probe-decoder-module=" + module.path, "--probe-file=" + file]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The child's environment: the server's, with Swift's crash backtraces off (they would only delay the exit).
        var environment: [UnsafeMutablePointer<CChar>?] = []
        var entry = environ
        while let variable = entry.pointee {
            if strncmp(variable, "SWIFT_BACKTRACE=", 16) != 0 { environment.append(strdup(variable)) }
            entry += 1
        }
        environment += [strdup("SWIFT_BACKTRACE=enable=no"), nil]
        defer { for pointer in environment { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, nil, &argv, &environment)
        guard spawned == 0 else {
            return "cannot start the decoder module check (\(String(cString: strerror(spawned))))"
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pause: useconds_t = 1000
        var result: Int32 = 0
        while true {
            let done = waitpid(child, &result, WNOHANG)
            if done == child { break }
            if done < 0 && errno != EINTR {
                kill(child, SIGKILL)
                _ = waitpid(child, &result, 0)
                return "the decoder module check lost its child process (\(String(cString: strerror(errno))))"
            }
            if clock.now >= deadline {
                kill(child, SIGKILL)
                _ = waitpid(child, &result, 0)
                return "the \(module.name) decoder module did not finish with the file within \(timeout); refused"
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        // WIFSIGNALED: the low 7 bits hold the signal, neither 0 (exited) nor 0x7f (stopped).
        let signal = result & 0x7F
        if signal != 0 && signal != 0x7F {
            return "the \(module.name) decoder module crashed on the file (signal \(signal)); refused"
        }
        // Only a clean exit passes: anything else means the check itself did not run as it should.
        let exitStatus = (result >> 8) & 0xFF
        guard signal == 0, exitStatus == 0 else {
            return "the decoder module check of the \(module.name) module failed (status \(result)); refused"
        }
        return nil
    }

    /// The child's side: loads the module at `modulePath`, opens `file` with it and reads the first tile of the
    /// smallest level. Returns normally whether or not the module reports an error; only a crash or a hang matters.
    public static func run(modulePath: String, file: String) {
        let (modules, _) = DecoderModules.load(paths: [modulePath])
        guard let module = modules.module(forPath: file) ?? modules.loaded.first else { return }
        guard let source = try? ModuleImageSource(module: module, path: file) else { return }
        _ = try? source.readTile(resolution: 0, tile: 0)
    }
}
