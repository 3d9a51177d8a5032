import IIPProtocol
public import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler writing `time level message key=value ...` lines to a ``LogDestination``. The key=value
/// pairs follow logfmt: a value with a space, quote, `=` or control character is quoted, with `\` escapes, so a
/// request path can never start a line of its own.
public struct IIPLogHandler: LogHandler {
    /// The level below which messages are dropped.
    public var logLevel: Logger.Level
    /// Metadata added to every message.
    public var metadata: Logger.Metadata = [:]
    let destination: LogDestination
    let label: String

    /// Creates a handler.
    public init(label: String, destination: LogDestination, level: Logger.Level) {
        self.label = label
        self.destination = destination
        self.logLevel = level
    }

    /// The log level for an iipsrv VERBOSITY: 0 silent, 1 start-up and warnings, 2 one line per request,
    /// 3 and above everything (iipsrv-reference §11.5).
    public static func level(verbosity: Int) -> Logger.Level {
        switch verbosity {
        case ...0: .critical
        case 1: .info
        case 2: .debug
        default: .trace
        }
    }

    /// Reads and writes handler metadata.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one message.
    public func log(event: LogEvent) {
        var text = "\(Self.timestamp()) \(event.level) \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=" + Self.logfmt("\(value)") }
        destination.writeLine(text, priority: Self.priority(event.level))
    }

    /// `value` as a logfmt value: bare when it can be, otherwise quoted, with JSON's escapes (`\"`, `\\`, `\n`,
    /// `\u00XX` ...), which logfmt readers share.
    static func logfmt(_ value: String) -> String {
        let bare = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" }
        return bare ? value : "\"" + JSONEscaping.escape(value) + "\""
    }

    static func priority(_ level: Logger.Level) -> Int32 {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }

    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
