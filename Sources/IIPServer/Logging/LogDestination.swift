import CIIPShims
import NIOConcurrencyHelpers

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
        /// Whether the last line could not be written to the file (a full disk): reported once on standard error
        /// when it starts failing and once when it recovers, so a full disk never blocks or floods anything.
        var failing = false
    }

    private let path: String

    private let lock: NIOLockedValueBox<Guarded>

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
        lock = NIOLockedValueBox(Guarded(sink: sink))
        path = logFile
    }

    /// Whether lines are written anywhere.
    public var isEnabled: Bool {
        lock.withLockedValue { if case .none = $0.sink { false } else { true } }
    }

    /// Writes one line (a newline is added) at a syslog priority (3 error ... 7 debug).
    public func writeLine(_ line: String, priority: Int32) {
        lock.withLockedValue { guarded in
            switch guarded.sink {
            case .file(let file):
                let written = fputs(line + "\n", file) >= 0 && fflush(file) == 0
                if written == guarded.failing {
                    guarded.failing = !written
                    let reason = written ? "" : ": \(String(cString: strerror(errno)))"
                    Self.writeStandardError(
                        written
                            ? "log file \(path) is writable again"
                            : "log file \(path) cannot be written\(reason); its lines are dropped until it can")
                }
                if !written {
                    clearerr(file)
                    // Drops what the full disk refused, so the next line does not repeat it.
                    _ = fflush(file)
                    clearerr(file)
                }
            case .standardError:
                Self.writeStandardError(line)
            case .syslog:
                iip_syslog_write(priority, line)
            case .none:
                break
            }
        }
    }

    private static func writeStandardError(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    deinit {
        lock.withLockedValue { guarded in
            if case .file(let file) = guarded.sink { fclose(file) }
        }
    }
}
