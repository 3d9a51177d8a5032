import CIIPShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where log lines go: iipsrv's LOGFILE semantics (a file path, or `syslog`), plus `stderr` (or `-`).
///
/// If the file cannot be opened, logging is turned off, as in iipsrv.
public final class LogDestination: Sendable {
    private enum Sink {
        case file(UnsafeMutablePointer<FILE>)
        case standardError
        case syslog
        case none
    }

    /// `@unchecked`: the FILE pointer is only touched while holding `lock`.
    private struct Guarded: @unchecked Sendable {
        var sink: Sink
    }

    private let lock: Mutex<Guarded>

    /// Opens the destination named by a LOGFILE value.
    public init(logFile: String) {
        let sink: Sink
        switch logFile {
        case "syslog":
            iip_syslog_open("iipsrv")
            sink = .syslog
        case "stderr", "-", "/dev/stderr":
            sink = .standardError
        case "":
            sink = .none
        default:
            if let file = fopen(logFile, "a") { sink = .file(file) } else { sink = .none }
        }
        lock = Mutex(Guarded(sink: sink))
    }

    /// Whether lines are written anywhere.
    public var isEnabled: Bool {
        lock.withLock { if case .none = $0.sink { false } else { true } }
    }

    /// Writes one line (a newline is added) at a syslog priority (3 error ... 7 debug).
    public func writeLine(_ line: String, priority: Int32) {
        lock.withLock { guarded in
            switch guarded.sink {
            case .file(let file):
                fputs(line + "\n", file)
                fflush(file)
            case .standardError:
                var bytes = Array((line + "\n").utf8)
                _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            case .syslog:
                iip_syslog_write(priority, line)
            case .none:
                break
            }
        }
    }

    deinit {
        lock.withLock { guarded in
            if case .file(let file) = guarded.sink { fclose(file) }
        }
    }
}
