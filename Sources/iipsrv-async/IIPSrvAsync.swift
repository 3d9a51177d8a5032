import ArgumentParser
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

    @Option(name: .customLong("backlog"), help: "Listen backlog (iipsrv's --backlog).")
    var backlog = 2048

    @Option(name: .customLong("generate-demo"), help: "Write the demo pyramid TIFF to PATH and exit.")
    var demoPath: String?

    func run() async throws {
        if let demoPath {
            try DemoImage.write(to: demoPath)
            print("wrote \(demoPath)")
            return
        }
        guard let text = http else {
            throw ValidationError("give --http PORT (FastCGI arrives with the FastCGI frontend)")
        }
        guard let address = HTTPListenAddress(parsing: text) else {
            throw ValidationError("--http: expected PORT or HOST:PORT, got \(text)")
        }
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let configuration = ServerConfiguration(environment: Environment.variables(), cores: max(cores, 1))

        let destination = LogDestination(logFile: configuration.logFile)
        let level = IIPLogHandler.level(verbosity: configuration.verbosity)
        LoggingSystem.bootstrap { label in IIPLogHandler(label: label, destination: destination, level: level) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let logger = Logger(label: "iipsrv-async")
        logger.info("IIPImage server iipsrv-async \(IIPServerVersion.current) starting")
        for (name, value) in configuration.summary { logger.info("Setting \(name) to \(value)") }

        let application = ServerApplication(
            configuration: configuration, frontends: .init(http: address, backlog: backlog), logger: logger,
            metrics: { registry.emitToBuffer() })
        try await application.run()
        logger.info("iipsrv-async stopped")
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
