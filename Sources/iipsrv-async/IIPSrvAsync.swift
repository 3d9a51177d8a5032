import ArgumentParser
import FastCGI
import IIPImaging
import IIPPipeline
import IIPServer
import Logging
import Metrics
import Prometheus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `iipsrv-async` command: flags choose the frontends, iipsrv's environment variables configure the rest.
@main
struct IIPSrvAsync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iipsrv-async",
        abstract: "An IIPImage-compatible image server: IIP, IIIF, DeepZoom and Zoomify over FastCGI or HTTP.",
        discussion: EnvironmentHelp.text)

    @Option(name: .customLong("http"), help: "Serve HTTP on PORT or HOST:PORT (e.g. 8080, 127.0.0.1:8080).")
    var http: String?

    @Option(
        name: .customLong("fcgi"),
        help: "Serve FastCGI on HOST:PORT, :PORT or a unix socket path (e.g. 127.0.0.1:9000, /run/iipsrv.sock).")
    var fastCGI: String?

    @Option(name: .customLong("bind"), help: "iipsrv's spelling of --fcgi.")
    var bind: String?

    @Option(name: .customLong("backlog"), help: "Listen backlog (iipsrv's --backlog).")
    var backlog = 2048

    @Option(name: .customLong("socket-mode"), help: "Permissions of a FastCGI unix socket file, in octal.")
    var socketMode = "660"

    @Option(name: .customLong("generate-demo"), help: "Write the demo pyramid TIFF to PATH and exit.")
    var demoPath: String?

    @Option(name: .customLong("probe-decoder-module"), help: .hidden)
    var probeModule: String?

    @Option(name: .customLong("probe-file"), help: .hidden)
    var probeFile: String?

    func validate() throws {
        if fastCGI != nil && bind != nil { throw ValidationError("give --fcgi or --bind, not both") }
        guard UInt16(socketMode, radix: 8).map({ $0 <= 0o777 }) ?? false else {
            throw ValidationError("--socket-mode: expected an octal mode such as 660, got \(socketMode)")
        }
    }

    /// The frontends the flags ask for; with none, the FastCGI socket a process manager passed on descriptor 0.
    func frontends() throws -> ServerApplication.Frontends {
        var frontends = ServerApplication.Frontends(backlog: backlog, unixSocketMode: UInt16(socketMode, radix: 8))
        if let text = http {
            guard let address = HTTPListenAddress(parsing: text) else {
                throw ValidationError("--http: expected PORT or HOST:PORT, got \(text)")
            }
            frontends.http = address
        }
        if let text = fastCGI ?? bind {
            do {
                frontends.fastCGI = try FastCGIAddress(parsing: text)
            } catch {
                throw ValidationError("--fcgi: \(error)")
            }
        } else if http == nil {
            guard let descriptor = FastCGIAddress.inheritedListeningSocket() else {
                throw ValidationError(
                    "nothing to serve: give --http PORT and/or --fcgi ADDRESS (or start under spawn-fcgi/mod_fcgid)")
            }
            frontends.fastCGI = .inheritedSocket(fd: descriptor)
        }
        return frontends
    }

    func run() async throws {
        // The decoder module check's child process (DECODER_MODULE_CHECK): try the module on the file and exit.
        if let probeModule, let probeFile {
            DecoderModuleProbe.run(modulePath: probeModule, file: probeFile)
            return
        }
        if let demoPath {
            try DemoImage.write(to: demoPath)
            print("wrote \(demoPath)")
            return
        }
        let frontends = try frontends()
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var configuration = ServerConfiguration(environment: Environment.variables(), cores: max(cores, 1))
        configuration.decoderModuleProbeExecutable = Self.executablePath()

        let destination = LogDestination(logFile: configuration.logFile)
        let level = IIPLogHandler.level(verbosity: configuration.verbosity)
        LoggingSystem.bootstrap { label in IIPLogHandler(label: label, destination: destination, level: level) }
        // METRICS=0 leaves swift-metrics unbootstrapped: every metric is a no-op and /metrics answers 404.
        let registry = configuration.metrics ? PrometheusCollectorRegistry() : nil
        if let registry { MetricsSystem.bootstrap(DescribedMetricsFactory(registry: registry)) }

        let logger = Logger(label: "iipsrv-async")
        logger.info("IIPImage server iipsrv-async \(IIPServerVersion.current) starting")
        for setting in ServerConfiguration.settings {
            var line = "Setting \(setting.name) to \(setting.value(in: configuration))"
            switch setting.status {
            case .works: break
            case .notYet(let feature): line += " (no effect yet: \(feature) not built)"
            case .accepted(let reason): line += " (no effect: \(reason))"
            }
            logger.info("\(line)")
        }

        // Each FastCGI connection takes a descriptor.
        OpenFileLimit.raise(needed: configuration.maxFastCGIConnections, logger: logger)
        var metrics: (@Sendable () -> [UInt8])?
        if let registry { metrics = { registry.emitToBuffer() } }
        let exporters = try TraceExport.bootstrap(configuration, logger: logger)
        let application = ServerApplication(
            configuration: configuration, frontends: frontends, logger: logger, metrics: metrics,
            observability: exporters)
        try await application.run()
        logger.info("iipsrv-async stopped")
    }
}

extension IIPSrvAsync {
    /// This program's own file (`/proc/self/exe`), which the decoder module check runs; `nil` when unknown.
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The process environment as a dictionary.
enum Environment {
    static func variables() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
